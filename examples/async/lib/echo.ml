(* A TCP echo server and its clients with Async. Functions that wait return a
   ['a Deferred.t]; [let%bind] (ppx_let, from ppx_jane) runs the rest once it is
   determined. Async runs every job on one thread, between blocking points it
   knows about: concurrency for I/O, not parallelism. *)

open! Core
open Async

let slow_request = "please take your time"
let max_line = 65536

(* Readers and writers default to 128 KiB buffers each: for thousands of short
   lines, 4 KiB keeps a connection cheap. *)
let buffer_size = 4096

(* Echoes each line back until the client hangs up. [Reader.read_line] has no
   bound: a client sending an endless line would grow the server's memory
   without limit, so lines are read with [read_until_bounded]. The slow request
   gets its answer after 10 s: long enough for a client's timeout to fire
   first. Waiting until each echo is flushed makes a client that does not read
   hold up its own connection, not fill the server's memory. *)
let rec echo reader writer =
  match%bind
    Reader.read_until_bounded reader (`Char '\n') ~keep_delim:false
      ~max:max_line
  with
  | `Eof -> return ()
  | `Max_exceeded _ -> failwithf "a line longer than %d bytes" max_line ()
  | `Ok line | `Eof_without_delim line -> (
      let%bind () =
        if String.equal line slow_request then
          Clock.after (Time_float.Span.of_sec 10.)
        else return ()
      in
      Writer.write_line writer line;
      match%bind Writer.flushed_or_failed_with_result writer with
      | Flushed _ -> echo reader writer
      | Consumer_left -> failwith "left without reading its echoes"
      (* the writer's own error reaches its monitor, the handler's *)
      | Error | Force_closed -> return ())

(* One line per failing client, never an exception past the server, whose
   [`Raise] would close it and stop the program. *)
let log_client_error client exn =
  let message =
    match Monitor.extract_exn exn with
    | Failure message -> message
    | exn -> Sexp.to_string_mach (Exn.sexp_of_t exn)
  in
  eprintf "client %s: %s\n" (Socket.Address.Inet.to_string client) message

type server = {
  tcp : Tcp.Server.inet;
  writers : Writer.t Bag.t;  (** one per open connection *)
  stopping : bool ref;
}

let serve ?(port = 0) () =
  let writers = Bag.create () and stopping = ref false in
  let%map tcp =
    (* the default [backlog] of 64 drops the 65th simultaneous connection
       attempt, which the client's kernel retries only a second later *)
    Tcp.Server.create_sock ~backlog:4096 ~max_accepts_per_batch:64
      ~on_handler_error:
        (`Call
           (fun client exn ->
             (* not the connections [shutdown] closes under their handlers *)
             if not !stopping then log_client_error client exn))
      (Tcp.Where_to_listen.bind_to Tcp.Bind_to_address.Localhost
         (if port = 0 then Tcp.Bind_to_port.On_port_chosen_by_os
          else Tcp.Bind_to_port.On_port port))
      (fun _client socket ->
        let fd = Socket.fd socket in
        let reader = Reader.create ~buf_len:buffer_size fd in
        (* by default a write to a client that has left raises (EPIPE,
           ECONNRESET) to the writer's monitor; [consumer_left] says it
           instead, as [Tcp.Server.create] arranges *)
        let writer =
          Writer.create ~buf_len:buffer_size ~raise_when_consumer_leaves:false
            fd
        in
        let open_writer = Bag.add writers writer in
        Monitor.protect
          (fun () ->
            let%map () = echo reader writer in
            (* Async's reader reports a reset (ECONNRESET) as an end of file,
               as it does an orderly one: a reset socket has no peer left *)
            match Socket.getpeername socket with
            | (_ : Socket.Address.Inet.t) -> ()
            | exception Unix.Unix_error (ENOTCONN, _, _) ->
                failwith "reset the connection")
          ~finally:(fun () ->
            Bag.remove writers open_writer;
            (* flushes the last echoes, but gives up on a client that does not
               read them *)
            let%bind () =
              Writer.close writer
                ~force_close:(Clock.after (Time_float.Span.of_sec 5.))
            in
            Reader.close reader))
  in
  { tcp; writers; stopping }

let port server = Tcp.Server.listening_on server.tcp

let shutdown server =
  server.stopping := true;
  (* closing a writer without waiting for its flush wakes a handler blocked on
     a client that does not read, and closes the connection's socket; the
     program's exit would otherwise wait for that flush *)
  Deferred.all_unit
    (Tcp.Server.close ~close_existing_connections:true server.tcp
    :: List.map (Bag.to_list server.writers) ~f:(fun writer ->
        Writer.close writer ~force_close:Deferred.unit))

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
