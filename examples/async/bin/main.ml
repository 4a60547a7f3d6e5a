(* Starts the echo server, runs many concurrent clients against it, then
   shows a timeout on a request that takes too long. With -serve PORT, runs the
   server alone until SIGINT (Ctrl-C) or SIGTERM. A [Command.async] program:
   [Command_unix.run] parses the flags and runs the Async scheduler. *)

open! Core
open Async
open Async_starter

let seconds_since t0 = Time_ns.Span.to_sec (Time_ns.diff (Time_ns.now ()) t0)

let demo ~clients ~messages ~timeout =
  let%bind server = Echo.serve () in
  let port = Echo.port server in
  printf "echo server on 127.0.0.1:%d\n" port;
  let t0 = Time_ns.now () in
  let%bind correct = Echo.run_clients ~port ~clients ~messages in
  let expected = clients * messages in
  printf "%d clients x %d messages: %d/%d echoes correct in %.3f s\n" clients
    messages correct expected (seconds_since t0);
  let t0 = Time_ns.now () in
  let%bind outcome =
    Echo.request_with_timeout ~port ~timeout:(Time_float.Span.of_sec timeout)
  in
  let timed_out =
    match outcome with `Timed_out -> true | `Answered _ -> false
  in
  printf "a request answered only after 10 s: %s after %.3f s\n"
    (if timed_out then "cancelled by the timeout" else "answered")
    (seconds_since t0);
  let%bind () = Echo.shutdown server in
  if correct = expected && timed_out then return () else exit 1

let serve port =
  let%bind server = Echo.serve ~port () in
  printf "listening on 127.0.0.1:%d\n" (Echo.port server);
  let stop = Ivar.create () in
  (* handled here, the signals no longer stop the program by themselves *)
  Signal.handle [ Signal.int; Signal.term ] ~f:(fun (_ : Signal.t) ->
      Ivar.fill_if_empty stop ());
  let%bind () = Ivar.read stop in
  Echo.shutdown server

let command =
  Command.async
    ~summary:"Echo server with concurrent clients and a timeout, with Async"
    (let%map_open.Command clients =
       flag "-c"
         (optional_with_default 100 (Flag.count "-c"))
         ~doc:"CLIENTS concurrent clients"
     and messages =
       flag "-m"
         (optional_with_default 10 (Flag.count "-m"))
         ~doc:"MESSAGES messages per client"
     and timeout =
       flag "-t"
         (optional_with_default 0.2 (Flag.seconds "-t"))
         ~doc:"SECONDS the slow request's timeout"
     and port =
       flag "-serve"
         (optional (Flag.port "-serve"))
         ~doc:"PORT only serve on 127.0.0.1:PORT, until SIGINT or SIGTERM"
     in
     fun () ->
       match port with
       | Some port -> serve port
       | None -> demo ~clients ~messages ~timeout)

let () = Command_unix.run command
