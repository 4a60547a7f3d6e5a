(* The echo server with many concurrent clients and a timeout, then CPU work
   on an executor pool while the server keeps answering. With -serve PORT,
   runs the server alone until SIGINT (Ctrl-C) or SIGTERM. *)

open Eio_starter

let echo ~net ~clock ~now ~clients ~messages ~timeout =
  (* everything forked in this switch, the server included, ends with it *)
  Eio.Switch.run @@ fun sw ->
  let port = Echo.serve ~sw ~net ~clock () in
  Printf.printf "echo server on 127.0.0.1:%d\n%!" port;
  let correct, seconds =
    Workload.time ~now (fun () ->
        Echo.run_clients ~net ~port ~clients ~messages)
  in
  let expected = clients * messages in
  Printf.printf "%d clients x %d messages: %d/%d echoes correct in %.3f s\n%!"
    clients messages correct expected seconds;
  let outcome, seconds =
    Workload.time ~now (fun () ->
        Echo.request_with_timeout ~net ~clock ~port ~timeout)
  in
  let timed_out = outcome = `Timed_out in
  Printf.printf "a request answered only after 10 s: %s after %.3f s\n%!"
    (if timed_out then "cancelled by the timeout" else "answered")
    seconds;
  correct = expected && timed_out

let summary round_trips =
  let times = Array.of_list (List.map snd round_trips) in
  Array.sort Float.compare times;
  let count = Array.length times in
  if count = 0 then "no round trip"
  else
    Printf.sprintf "median %.3f ms, max %.3f ms (%d pings)"
      (1000. *. times.(count / 2))
      (1000. *. times.(count - 1))
      count

(* The CPU work runs on [pool]'s domains, the sequential run as one job and
   the parallel one as many; meanwhile a client on this domain pings the echo
   server, which this domain also runs, every millisecond. *)
let cpu ~net ~clock ~now ~pool ~workers ~n ~repeats =
  Eio.Switch.run @@ fun sw ->
  let port = Echo.serve ~sw ~net ~clock () in
  let ping = Echo.pinger ~sw ~net ~port in
  let round_trip () =
    let t0 = now () in
    let answered = ping () in
    (answered, now () -. t0)
  in
  let idle =
    List.init 100 (fun _ ->
        Eio.Time.sleep clock 0.001;
        round_trip ())
  in
  (* odd while a timed run is on the pool: a round trip counts as during the
     CPU work if it starts and ends within one run *)
  let runs = ref 0 and during = ref [] in
  let on_pool f () =
    incr runs;
    Fun.protect ~finally:(fun () -> incr runs) f
  in
  let rec ping_meanwhile () =
    let run = !runs in
    let result = round_trip () in
    if run mod 2 = 1 && !runs = run then during := result :: !during;
    Eio.Time.sleep clock 0.001;
    ping_meanwhile ()
  in
  let sequential, parallel =
    (* the first to finish wins; [Fiber.first] cancels the other *)
    Eio.Fiber.first
      (fun () ->
        Workload.measure ~now ~repeats
          ~sequential:
            (on_pool (fun () ->
                 Eio.Executor_pool.submit_exn pool ~weight:1.0 (fun () ->
                     Workload.sequential n)))
          ~parallel:(on_pool (fun () -> Parallel.sum pool ~n))
          ())
      ping_meanwhile
  in
  Printf.printf "echo round trips, idle: %s\n" (summary idle);
  Printf.printf "echo round trips while the pool computed: %s\n"
    (summary !during);
  (* a failure is an unanswered ping; a CPU run shorter than the pings' pace
     measures nothing, which is said, not failed *)
  let answered = List.for_all fst idle && List.for_all fst !during in
  Printf.printf "the echo server kept answering during the CPU work: %s\n"
    (if not answered then "NO"
     else if !during = [] then
       "not measured (the CPU work ended before a ping fell inside it: give a \
        larger -n)"
     else "yes");
  Printf.printf
    "the sequential run is one job on the pool, the parallel one %d jobs on \
     its %d domain%s\n"
    (List.length (Parallel.jobs ~n))
    workers
    (if workers = 1 then "" else "s");
  let agree =
    Workload.report ~name:Parallel.name ~workers ~n ~repeats ~sequential
      ~parallel
  in
  answered && agree

let serve ~net ~clock port =
  let stop = Atomic.make false and stopping = Eio.Condition.create () in
  let handle_signal (_ : int) =
    (* in a signal handler: most operations are unsafe here, but
       [Eio.Condition.broadcast] is safe *)
    Atomic.set stop true;
    Eio.Condition.broadcast stopping
  in
  List.iter
    (fun signal -> Sys.set_signal signal (Sys.Signal_handle handle_signal))
    [ Sys.sigint; Sys.sigterm ];
  Eio.Switch.run @@ fun sw ->
  let port = Echo.serve ~sw ~net ~clock ~port () in
  Printf.printf "listening on 127.0.0.1:%d\n%!" port;
  (* re-checks [stop] after every broadcast, also one during the check *)
  Eio.Condition.loop_no_mutex stopping (fun () ->
      if Atomic.get stop then Some () else None)
(* leaving the switch cancels the server's fiber: its connections are
   closed, then its listening socket *)

let () =
  let clients = ref 100 and messages = ref 10 and timeout = ref 0.2 in
  let n = ref Workload.default_size
  and workers = ref (Parallel.default_workers ())
  and repeats = ref Workload.default_repeats
  and port = ref 0 in
  let max_workers = Parallel.default_workers () in
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
      ("-n", Flag.count "-n" n, "SIZE  sum Collatz steps over 1..SIZE");
      ( "-w",
        Flag.count "-w" workers,
        Printf.sprintf
          "WORKERS  the executor pool's domains, beside the main one (default \
           and at most %d)"
          max_workers );
      ( "-r",
        Flag.count "-r" repeats,
        Printf.sprintf "REPEATS  keep the fastest of REPEATS runs (default %d)"
          !repeats );
      ( "-serve",
        Flag.port "-serve" port,
        "PORT  only serve on 127.0.0.1:PORT, until SIGINT or SIGTERM" );
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    "main [-c CLIENTS] [-m MESSAGES] [-t SECONDS] [-n SIZE] [-w WORKERS] [-r \
     REPEATS] | main -serve PORT";
  if !workers > max_workers then (
    Printf.eprintf
      "-w %d: at most %d, the cores (%d) but the one for the event loop\n"
      !workers max_workers
      (Domain.recommended_domain_count ());
    exit 2);
  let ok =
    Eio_main.run @@ fun env ->
    let net = Eio.Stdenv.net env and clock = Eio.Stdenv.clock env in
    let now = Unix.gettimeofday in
    if !port > 0 then (
      serve ~net ~clock !port;
      true)
    else
      let echo_ok =
        echo ~net ~clock ~now ~clients:!clients ~messages:!messages
          ~timeout:!timeout
      in
      (* one pool for the whole program, as Eio recommends; its domains are
         stopped when the switch ends *)
      Eio.Switch.run @@ fun sw ->
      let pool =
        Eio.Executor_pool.create ~sw ~domain_count:!workers
          (Eio.Stdenv.domain_mgr env)
      in
      let cpu_ok =
        cpu ~net ~clock ~now ~pool ~workers:!workers ~n:!n ~repeats:!repeats
      in
      echo_ok && cpu_ok
  in
  if not ok then exit 1
