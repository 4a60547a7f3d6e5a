(* A TCP echo server and its clients with Async. Functions that wait return a
   ['a Deferred.t]; [let%bind] (ppx_let, from ppx_jane) runs the rest once it is
   determined. Async runs every job on one thread, between blocking points it
   knows about: concurrency for I/O, not parallelism. *)

open! Core
open Async

let slow_request = "please take your time"

(* Echoes each line back until the client hangs up. The slow request gets its
   answer after 10 s: long enough for a client's timeout to fire first. *)
let rec echo reader writer =
  match%bind Reader.read_line reader with
  | `Eof -> return ()
  | `Ok line ->
      let%bind () =
        if String.equal line slow_request then
          Clock.after (Time_float.Span.of_sec 10.)
        else return ()
      in
      Writer.write_line writer line;
      let%bind () = Writer.flushed writer in
      echo reader writer

(* Readers and writers default to 128 KiB buffers each: for thousands of short
   lines, 4 KiB keeps a connection cheap. *)
let buffer_size = 4096

let serve () =
  let%map server =
    (* the default [backlog] of 64 drops the 65th simultaneous connection
       attempt, which the client's kernel retries only a second later *)
    Tcp.Server.create_sock ~backlog:4096 ~max_accepts_per_batch:64
      ~on_handler_error:`Raise
      (Tcp.Where_to_listen.bind_to Tcp.Bind_to_address.Localhost
         Tcp.Bind_to_port.On_port_chosen_by_os) (fun _client socket ->
        let fd = Socket.fd socket in
        let reader = Reader.create ~buf_len:buffer_size fd in
        let writer = Writer.create ~buf_len:buffer_size fd in
        let%bind () = echo reader writer in
        let%bind () = Writer.close writer in
        Reader.close reader)
  in
  (server, Tcp.Server.listening_on server)

let where port =
  Tcp.Where_to_connect.of_host_and_port
    (Host_and_port.create ~host:"127.0.0.1" ~port)

let client ~port ~id ~messages =
  Tcp.with_connection ~reader_buffer_size:buffer_size
    ~writer_buffer_size:buffer_size (where port) (fun _socket reader writer ->
      let rec exchange k correct =
        if k = messages then return correct
        else
          let message = sprintf "client %d message %d" id k in
          Writer.write_line writer message;
          match%bind Reader.read_line reader with
          | `Ok reply when String.equal reply message ->
              exchange (k + 1) (correct + 1)
          | `Ok _ | `Eof -> exchange (k + 1) correct
      in
      exchange 0 0)

let run_clients ~port ~clients ~messages =
  let%map counts =
    Deferred.List.init ~how:`Parallel clients ~f:(fun id ->
        client ~port ~id ~messages)
  in
  List.sum (module Int) counts ~f:Fn.id

let request_with_timeout ~port ~timeout =
  Tcp.with_connection (where port) (fun _socket reader writer ->
      Writer.write_line writer slow_request;
      (* a deferred cannot be cancelled: [with_timeout] stops waiting for it,
         and leaving [with_connection] closes the connection *)
      match%map Clock.with_timeout timeout (Reader.read_line reader) with
      | `Timeout -> `Timed_out
      | `Result (`Ok line) -> `Answered (Some line)
      | `Result `Eof -> `Answered None)
