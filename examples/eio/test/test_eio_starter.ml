(* Every client gets every echo back, the timeout cancels the slow request,
   and the domains' sum equals the sequential one. *)

open Eio_starter

let fail fmt =
  Printf.ksprintf
    (fun s ->
      print_endline ("FAIL: " ^ s);
      exit 1)
    fmt

let () =
  Eio_main.run @@ fun env ->
  let net = Eio.Stdenv.net env and clock = Eio.Stdenv.clock env in
  Eio.Switch.run (fun sw ->
      let port = Echo.serve ~sw ~net ~clock in
      let correct = Echo.run_clients ~net ~port ~clients:20 ~messages:5 in
      if correct <> 100 then fail "%d/100 echoes" correct;
      match Echo.request_with_timeout ~net ~clock ~port ~timeout:0.05 with
      | `Timed_out -> ()
      | `Answered _ -> fail "the slow request was not cancelled");
  let domain_mgr = Eio.Stdenv.domain_mgr env in
  List.iter
    (fun (n, workers) ->
      let expected = Workload.sequential n in
      let got = Parallel.sum ~domain_mgr ~workers ~n in
      if got <> expected then
        fail "n=%d workers=%d: %d <> %d" n workers got expected)
    [ (1, 1); (7, 2); (100_000, 2); (100_000, 3) ];
  print_endline
    "20 clients got their 100 echoes; the slow request timed out; the domains' \
     sums match"
