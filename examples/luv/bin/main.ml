(* Starts the echo server, runs many concurrent clients against it, then
   shows a timer cutting short a request that takes too long. With -serve
   PORT, runs the server alone until SIGINT (Ctrl-C) or SIGTERM. *)

open Luv_starter

let demo ~clients ~messages ~timeout =
  let server = Echo.serve () in
  let port = Echo.port server in
  Printf.printf "echo server on 127.0.0.1:%d\n%!" port;
  let ok = ref false in
  let t0 = Unix.gettimeofday () in
  Echo.run_clients ~port ~clients ~messages (fun correct ->
      let expected = clients * messages in
      Printf.printf
        "%d clients x %d messages: %d/%d echoes correct in %.3f s\n%!" clients
        messages correct expected
        (Unix.gettimeofday () -. t0);
      let t0 = Unix.gettimeofday () in
      Echo.request_with_timeout ~port ~timeout (fun outcome ->
          let timed_out = outcome = `Timed_out in
          Printf.printf
            "a request answered only after 10 s: %s after %.3f s\n%!"
            (if timed_out then "cancelled by the timeout" else "answered")
            (Unix.gettimeofday () -. t0);
          Echo.shutdown server;
          ok := correct = expected && timed_out));
  (* runs the callbacks until no handle is left open *)
  ignore (Luv.Loop.run () : bool);
  !ok

let serve port =
  let server = Echo.serve ~port () in
  Printf.printf "listening on 127.0.0.1:%d\n%!" (Echo.port server);
  let sigint = Result.get_ok (Luv.Signal.init ())
  and sigterm = Result.get_ok (Luv.Signal.init ()) in
  let stop () =
    Echo.shutdown server;
    Luv.Handle.close sigint ignore;
    Luv.Handle.close sigterm ignore
  in
  Result.get_ok (Luv.Signal.start sigint Luv.Signal.sigint stop);
  Result.get_ok (Luv.Signal.start sigterm Luv.Signal.sigterm stop);
  (* runs until [stop] has closed every handle *)
  ignore (Luv.Loop.run () : bool);
  true

let () =
  let clients = ref 100 and messages = ref 10 and timeout = ref 0.2 in
  let port = ref 0 in
  Arg.parse
    [
      ( "-c",
        Flag.count "-c" clients,
        "CLIENTS  concurrent clients (default 100)" );
      ( "-m",
        Flag.count "-m" messages,
        "MESSAGES  messages per client (default 10)" );
      ( "-t",
        Flag.seconds "-t" timeout,
        "SECONDS  the slow request's timeout (default 0.2)" );
      ( "-serve",
        Flag.port "-serve" port,
        "PORT  only serve on 127.0.0.1:PORT, until SIGINT or SIGTERM" );
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    "main [-c CLIENTS] [-m MESSAGES] [-t SECONDS] | main -serve PORT";
  let ok =
    if !port > 0 then serve !port
    else demo ~clients:!clients ~messages:!messages ~timeout:!timeout
  in
  if not ok then exit 1
