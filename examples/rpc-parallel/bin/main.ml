(* The master: spawns the workers, times the sequential answer against the
   workers' sum of the workload, and compares. Workers are this same executable started again:
   [start_app] decides whether this process is the master (it runs [command])
   or a worker (it serves RPCs). *)

open! Core
open Async
open Rpc_parallel_starter

let seconds_since t0 = Time_ns.Span.to_sec (Time_ns.diff (Time_ns.now ()) t0)

(* "node1: 2, node2: 2": how many workers each host runs *)
let placement hosts =
  List.dedup_and_sort hosts ~compare:String.compare
  |> List.map ~f:(fun host ->
      sprintf "%s: %d" host (List.count hosts ~f:(String.equal host)))
  |> String.concat ~sep:", "

let main ~n ~workers ~hosts ~repeats ~csv =
  let t0 = Time_ns.now () in
  let%bind connections = Parallel.spawn ~hosts ~workers () in
  let spawned = seconds_since t0 in
  let%bind where = Parallel.hosts connections in
  if not csv then
    Stdlib.Printf.printf "spawned %d worker process%s in %.3f s (%s)\n%!"
      workers
      (if workers = 1 then "" else "es")
      spawned (placement where);
  (* Workload's timing is synchronous, so it runs on a thread of its own, from
     which each run of the workers blocks on the scheduler: on the scheduler
     itself, the sequential runs would stop Async, and the connections'
     heartbeats, for as long as they take. *)
  let parallel () =
    Thread_safe.block_on_async_exn (fun () -> Parallel.sum connections ~n)
  in
  let%bind outcome =
    In_thread.run (fun () ->
        if csv then `Csv (Workload.fastest repeats parallel)
        else
          `Compared
            (Workload.measure ~repeats
               ~sequential:(fun () -> Workload.sequential n)
               ~parallel ()))
  in
  let%bind () = Parallel.close connections in
  match outcome with
  | `Csv (total, seconds) ->
      Stdlib.Printf.printf "%d,%d,%.6f\n%!" workers total seconds;
      return ()
  | `Compared (sequential, parallel) ->
      if
        Workload.report ~name:Parallel.name ~workers ~n ~repeats ~sequential
          ~parallel
      then return ()
      else exit 1

let host_list =
  Command.Arg_type.create (fun s ->
      let hosts = String.split s ~on:',' in
      if List.exists hosts ~f:String.is_empty then
        Flag.refuse "-hosts must be host names separated by commas, not %S" s
      else hosts)

let command =
  Command.async ~behave_nicely_in_pipeline:false
    ~summary:"Sum the Collatz workload on worker processes with Rpc_parallel"
    (let%map_open.Command n =
       flag "-n"
         (optional_with_default Workload.default_size (Flag.count "-n"))
         ~doc:"SIZE sum Collatz steps over 1..SIZE"
     and workers =
       flag "-w"
         (optional_with_default (Parallel.default_workers ()) (Flag.count "-w"))
         ~doc:"WORKERS worker processes"
     and hosts =
       flag "-hosts"
         (optional_with_default [ "local" ] host_list)
         ~doc:
           "HOST,... spread the workers over these hosts, reached with ssh \
            (local: this machine; the default)"
     and repeats =
       flag "-r"
         (optional_with_default Workload.default_repeats (Flag.count "-r"))
         ~doc:
           (sprintf "REPEATS keep the fastest of REPEATS runs (default %d)"
              Workload.default_repeats)
     and csv =
       flag "-csv" no_arg
         ~doc:
           " print only WORKERS,ANSWER,SECONDS of the parallel run (for the \
            compare template's bench)"
     in
     fun () -> main ~n ~workers ~hosts ~repeats ~csv)

let () = Rpc_parallel_unauthenticated.start_app command
