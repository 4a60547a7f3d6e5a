(* Every client gets every echo back, and the timeout cancels the slow request. *)

open Luv_starter

let () =
  let server, port = Echo.serve () in
  let result = ref None in
  Echo.run_clients ~port ~clients:20 ~messages:5 (fun correct ->
      Echo.request_with_timeout ~port ~timeout:0.05 (fun outcome ->
          Echo.shutdown server;
          result := Some (correct, outcome)));
  ignore (Luv.Loop.run () : bool);
  match !result with
  | Some (100, `Timed_out) ->
      print_endline
        "20 clients got their 100 echoes; the slow request timed out"
  | Some (correct, outcome) ->
      Printf.printf "FAIL: %d/100 echoes, %s\n" correct
        (if outcome = `Timed_out then "timed out" else "no timeout");
      exit 1
  | None ->
      print_endline "FAIL: the loop ended before the clients did";
      exit 1
