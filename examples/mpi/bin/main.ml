(* Run with [mpirun -np N ./_build/default/bin/main.exe]: every rank runs this
   program. Rank 0 also times the sequential answer, then all ranks compute
   the parallel one together and rank 0 reports. *)

open Mpi_starter

let () =
  let n = ref Workload.default_size in
  Arg.parse
    [ ("-n", Arg.Set_int n, "SIZE  sum Collatz steps over 1..SIZE") ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    "mpirun -np RANKS main.exe [-n SIZE]";
  if !n < 1 then (
    prerr_endline "SIZE must be at least 1";
    exit 2);
  let rank = Parallel.rank () in
  let sequential =
    if rank = 0 then Some (Workload.time (fun () -> Workload.sequential !n))
    else None
  in
  (* start together, so that the parallel time is the slowest rank's *)
  Mpi.barrier Mpi.comm_world;
  let t0 = Mpi.wtime () in
  let total = Parallel.sum ~n:!n in
  let parallel = (total, Mpi.wtime () -. t0) in
  match sequential with
  | None -> ()
  | Some sequential ->
      if
        not
          (Workload.report ~name:Parallel.name ~workers:(Parallel.size ()) ~n:!n
             ~sequential ~parallel)
      then exit 1
