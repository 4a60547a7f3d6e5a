(* Every client gets every echo back, and the timeout fires on the slow request. *)

open! Core
open Async
open Async_starter

let () =
  Thread_safe.block_on_async_exn (fun () ->
      let%bind server, port = Echo.serve () in
      let%bind correct = Echo.run_clients ~port ~clients:20 ~messages:5 in
      let%bind outcome =
        Echo.request_with_timeout ~port ~timeout:(Time_float.Span.of_sec 0.05)
      in
      let%map () = Tcp.Server.close server in
      if correct <> 100 then failwithf "%d/100 echoes" correct ();
      match outcome with
      | `Timed_out -> ()
      | `Answered _ -> failwith "the slow request was not cut by the timeout");
  (* Stdlib's, not Async's: Async's print_endline only queues the line for the
     scheduler, which does not run again before the process exits *)
  Stdlib.print_endline
    "20 clients got their 100 echoes; the slow request timed out"
