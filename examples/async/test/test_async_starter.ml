(* Clients that misbehave are cut off and the server keeps serving: every
   polite client gets every echo back, and the timeout fires on the slow
   request. *)

open! Core
open Async
open Async_starter

let where port =
  Tcp.Where_to_connect.of_host_and_port
    (Host_and_port.create ~host:"127.0.0.1" ~port)

(* Closes at once, without sending what is still buffered: with unread echoes
   on its side, the close is a reset *)
let leave reader writer =
  let%bind () = Writer.close writer ~force_close:Deferred.unit in
  Reader.close reader

(* Sends 4 MB of lines without reading the echoes, then leaves. *)
let never_reads port =
  let%bind _socket, reader, writer = Tcp.connect (where port) in
  Writer.set_raise_when_consumer_leaves writer false;
  for _ = 1 to 100_000 do
    Writer.write_line writer "a line whose echo is never read"
  done;
  let%bind () = Clock.after (Time_float.Span.of_sec 0.2) in
  leave reader writer

(* Sends 1 MiB without a newline: the server must cut it off (an end of file
   or a reset, which Async's reader also reports as an end of file), not wait
   for the end of the line. *)
let endless_line port =
  let%bind _socket, reader, writer = Tcp.connect (where port) in
  Writer.set_raise_when_consumer_leaves writer false;
  Writer.write writer (String.make (1 lsl 20) 'x');
  let%bind reply =
    Clock.with_timeout (Time_float.Span.of_sec 10.) (Reader.read_line reader)
  in
  let%map () = leave reader writer in
  match reply with `Result `Eof -> true | `Result (`Ok _) | `Timeout -> false

let () =
  Thread_safe.block_on_async_exn (fun () ->
      let%bind server = Echo.serve () in
      let port = Echo.port server in
      let%bind () = never_reads port in
      let%bind cut_off = endless_line port in
      let%bind correct = Echo.run_clients ~port ~clients:20 ~messages:5 in
      let%bind outcome =
        Echo.request_with_timeout ~port ~timeout:(Time_float.Span.of_sec 0.05)
      in
      let%map () = Echo.shutdown server in
      if not cut_off then failwith "an endless line was not cut off";
      if correct <> 100 then failwithf "%d/100 echoes" correct ();
      match outcome with
      | `Timed_out -> ()
      | `Answered _ -> failwith "the slow request was not cut by the timeout");
  (* Stdlib's, not Async's: Async's print_endline only queues the line for the
     scheduler, which does not run again before the process exits *)
  Stdlib.print_endline
    "a client that never read and an endless line were cut off; 20 clients got \
     their 100 echoes; the slow request timed out"
