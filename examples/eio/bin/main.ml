(* The echo server with many concurrent clients and a timeout, then CPU work
   spread over the cores with the domain manager. *)

open Eio_starter

let echo ~net ~clock ~clients ~messages ~timeout =
  (* everything forked in this switch, the server included, ends with it *)
  Eio.Switch.run @@ fun sw ->
  let port = Echo.serve ~sw ~net ~clock in
  Printf.printf "echo server on 127.0.0.1:%d\n%!" port;
  let correct, seconds =
    Workload.time (fun () -> Echo.run_clients ~net ~port ~clients ~messages)
  in
  let expected = clients * messages in
  Printf.printf "%d clients x %d messages: %d/%d echoes correct in %.3f s\n%!"
    clients messages correct expected seconds;
  let outcome, seconds =
    Workload.time (fun () ->
        Echo.request_with_timeout ~net ~clock ~port ~timeout)
  in
  let timed_out = outcome = `Timed_out in
  Printf.printf "a request answered only after 10 s: %s after %.3f s\n%!"
    (if timed_out then "cancelled by the timeout" else "answered")
    seconds;
  correct = expected && timed_out

let () =
  let clients = ref 100 and messages = ref 10 and timeout = ref 0.2 in
  let n = ref Workload.default_size
  and workers = ref (Parallel.default_workers ())
  and repeats = ref Workload.default_repeats in
  Arg.parse
    [
      ( "-c",
        Positive.count "-c" clients,
        "CLIENTS  concurrent clients (default 100)" );
      ( "-m",
        Positive.count "-m" messages,
        "MESSAGES  messages per client (default 10)" );
      ( "-t",
        Positive.seconds "-t" timeout,
        "SECONDS  the slow request's timeout (default 0.2)" );
      ("-n", Positive.count "-n" n, "SIZE  sum Collatz steps over 1..SIZE");
      ( "-w",
        Positive.count "-w" workers,
        Printf.sprintf "WORKERS  domains for the CPU work (default %d)" !workers
      );
      ( "-r",
        Positive.count "-r" repeats,
        Printf.sprintf "REPEATS  keep the fastest of REPEATS runs (default %d)"
          !repeats );
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    "main [-c CLIENTS] [-m MESSAGES] [-t SECONDS] [-n SIZE] [-w WORKERS] [-r \
     REPEATS]";
  Eio_main.run @@ fun env ->
  let net = Eio.Stdenv.net env and clock = Eio.Stdenv.clock env in
  let echo_ok =
    echo ~net ~clock ~clients:!clients ~messages:!messages ~timeout:!timeout
  in
  let domain_mgr = Eio.Stdenv.domain_mgr env in
  let sequential, parallel =
    Workload.measure ~repeats:!repeats
      ~sequential:(fun () -> Workload.sequential !n)
      ~parallel:(fun () ->
        Parallel.sum ~domain_mgr ~workers:!workers ~n:!n)
      ()
  in
  let cpu_ok =
    Workload.report ~name:Parallel.name ~workers:!workers ~n:!n
      ~repeats:!repeats ~sequential ~parallel
  in
  if not (echo_ok && cpu_ok) then exit 1
