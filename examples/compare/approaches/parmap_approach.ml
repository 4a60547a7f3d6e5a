(* Parallelism by processes: Parmap forks [workers] children, each with a
   copy-on-write copy of the parent's memory, hands them chunks on demand
   ([~chunksize:1] over many chunks balances the load), and marshals their
   partial sums back through shared memory. No memory is shared while they
   run, so there are no data races, and it works on OCaml 4 as well as 5. *)

let name = "Parmap.parmapfold, forked processes"
let default_workers () = Parmap.get_default_ncores ()

let sum ~workers ~n =
  if workers < 1 then invalid_arg "Parallel.sum: workers must be >= 1";
  let chunks = Workload.chunks ~n ~count:(workers * 16) in
  Parmap.parmapfold ~ncores:workers ~chunksize:1
    (fun (lo, hi) -> Workload.sum_range ~lo ~hi)
    (Parmap.L chunks) ( + ) 0 ( + )
