(* Two worker processes compute the same sums as the sequential code, also
   when a chunk takes longer than the connection's heartbeat timeout. Like the
   main program, the test starts through [start_app]: the workers are this
   test executable started again. *)

open! Core
open Async
open Rpc_parallel_starter

let check () =
  let%bind connections = Parallel.spawn ~workers:2 () in
  let%bind sums =
    Deferred.List.map ~how:`Sequential [ 1; 7; 1000; 100_000 ] ~f:(fun n ->
        let%map sum = Parallel.sum connections ~n in
        (n, sum))
  in
  (* one chunk per worker, each longer than the 0.5 s heartbeat timeout below:
     computed on the worker's scheduler, it would stop the worker's heartbeats
     and the master would drop the connection *)
  let n = 4_000_000 in
  let%bind long = Parallel.sum connections ~chunks_per_worker:1 ~n in
  let%map () = Parallel.close connections in
  List.iter ((n, long) :: sums) ~f:(fun (n, sum) ->
      let expected = Workload.sequential n in
      if sum <> expected then failwithf "n=%d: %d <> %d" n sum expected ());
  Stdlib.print_endline
    "2 workers computed the sequential sums, also in chunks longer than the \
     heartbeat timeout"

let () =
  Rpc_parallel_unauthenticated.start_app
    ~rpc_heartbeat_config:
      (Rpc.Connection.Heartbeat_config.create ~timeout:(Time_ns.Span.of_sec 0.5)
         ~send_every:(Time_ns.Span.of_sec 0.1) ())
    (Command.async ~summary:"Test the workers" (Command.Param.return check))
