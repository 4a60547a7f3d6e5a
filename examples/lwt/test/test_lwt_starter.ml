(* Every client gets every echo back, and the timeout cancels the slow request. *)

open Lwt.Syntax
open Lwt_starter

let () =
  let ok =
    Lwt_main.run
      (let* server, port = Echo.serve () in
       let* correct = Echo.run_clients ~port ~clients:20 ~messages:5 in
       let* outcome = Echo.request_with_timeout ~port ~timeout:0.05 in
       let+ () = Lwt_io.shutdown_server server in
       if correct <> 100 then Printf.printf "FAIL: %d/100 echoes\n" correct;
       if outcome <> `Timed_out then print_endline "FAIL: no timeout";
       correct = 100 && outcome = `Timed_out)
  in
  if not ok then exit 1;
  print_endline "20 clients got their 100 echoes; the slow request timed out"
