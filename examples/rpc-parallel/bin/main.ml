(* The master: times the sequential answer, spawns the workers, has them sum
   the workload, and compares. Workers are this same executable started again:
   [start_app] decides whether this process is the master (it runs [command])
   or a worker (it serves RPCs). *)

open! Core
open Async
open Rpc_parallel_starter

let seconds_since t0 = Time_ns.Span.to_sec (Time_ns.diff (Time_ns.now ()) t0)

let main ~n ~workers =
  let sequential = Workload.time (fun () -> Workload.sequential n) in
  let t0 = Time_ns.now () in
  let%bind connections = Parallel.spawn ~workers in
  Stdlib.Printf.printf "spawned %d worker processes in %.3f s\n%!" workers
    (seconds_since t0);
  let t0 = Time_ns.now () in
  let%bind total = Parallel.sum connections ~n in
  let parallel = (total, seconds_since t0) in
  let%bind () = Parallel.close connections in
  if Workload.report ~name:Parallel.name ~workers ~n ~sequential ~parallel then
    return ()
  else exit 1

let command =
  Command.async ~behave_nicely_in_pipeline:false
    ~summary:"Sum the Collatz workload on worker processes with Rpc_parallel"
    (let%map_open.Command n =
       flag "-n"
         (optional_with_default Workload.default_size int)
         ~doc:"SIZE sum Collatz steps over 1..SIZE"
     and workers =
       flag "-w"
         (optional_with_default (Parallel.default_workers ()) int)
         ~doc:"WORKERS worker processes"
     in
     fun () -> main ~n ~workers)

let () = Rpc_parallel_unauthenticated.start_app command
