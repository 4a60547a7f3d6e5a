(* Run with [mpirun -np N ./_build/default/bin/main.exe]: every rank runs this
   program. Rank 0 also times the sequential answer, then all ranks compute
   the parallel one together and rank 0 reports. *)

open Mpi_starter

(* Every rank runs it, [repeats] times: the fastest run's time. *)
let parallel ~n ~repeats =
  let run () =
    (* start together, so that the time is the slowest rank's *)
    Mpi.barrier Mpi.comm_world;
    let t0 = Mpi.wtime () in
    let total = Parallel.sum ~n in
    (total, Mpi.wtime () -. t0)
  in
  let total, first = run () in
  let best = ref first in
  for _ = 2 to repeats do
    best := Float.min !best (snd (run ()))
  done;
  (total, !best)

let () =
  let n = ref Workload.default_size and repeats = ref 1 and csv = ref false in
  Arg.parse
    [
      ("-n", Positive.count "-n" n, "SIZE  sum Collatz steps over 1..SIZE");
      ( "-r",
        Positive.count "-r" repeats,
        "REPEATS  keep the fastest of REPEATS runs (default 1)" );
      ( "-csv",
        Arg.Set csv,
        " print only RANKS,ANSWER,SECONDS of the parallel run (for the compare \
         template's bench)" );
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    "mpirun -np RANKS main.exe [-n SIZE] [-r REPEATS] [-csv]";
  let rank = Parallel.rank () and size = Parallel.size () in
  if !csv then (
    let total, seconds = parallel ~n:!n ~repeats:!repeats in
    if rank = 0 then Printf.printf "%d,%d,%.6f\n" size total seconds)
  else
    let placement = Parallel.placement () in
    if rank = 0 then Printf.printf "%d ranks on %s\n%!" size placement;
    let sequential =
      if rank = 0 then
        Some (Workload.fastest !repeats (fun () -> Workload.sequential !n))
      else None
    in
    let parallel = parallel ~n:!n ~repeats:!repeats in
    match sequential with
    | None -> ()
    | Some sequential ->
        if
          not
            (Workload.report ~name:Parallel.name ~workers:size ~n:!n
               ~repeats:!repeats ~sequential ~parallel)
        then exit 1
