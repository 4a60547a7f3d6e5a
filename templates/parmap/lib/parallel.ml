(* Parallelism by processes: Parmap forks [workers] children, each with a
   copy-on-write copy of the parent's memory, hands them chunks on demand
   ([~chunksize:1] over many chunks balances the load), and marshals their
   partial sums back through shared memory. No memory is shared while they
   run, so there are no data races, and it works on OCaml 4 as well as 5.

   An exception in the mapped function cannot be caught around the call: with
   [~chunksize], Parmap logs it and ends the whole program with [exit 1]. A
   function that may fail returns its failure as a value instead
   ([map_results]). *)

type t = { workers : int }

let name = "Parmap.parmapfold, forked processes"
let default_workers () = Parmap.get_default_ncores ()

let with_workers ~workers f =
  Workload.check_workers workers;
  f { workers }

let sum { workers } ~n =
  let chunks = Workload.chunks ~n ~count:(workers * 16) in
  Parmap.parmapfold ~ncores:workers ~chunksize:1
    (fun (lo, hi) -> Workload.sum_range ~lo ~hi)
    (Parmap.L chunks) ( + ) 0 ( + )

let map_results { workers } f inputs =
  Parmap.parmap ~ncores:workers ~chunksize:1 ~keeporder:true
    (fun input ->
      match f input with
      | output -> Ok output
      | exception e -> Error (Printexc.to_string e))
    (Parmap.L inputs)

(* the results come back in order, marshalled, and are combined here *)
let map_reduce { workers } ~work ~combine init inputs =
  Parmap.parmap ~ncores:workers ~chunksize:1 work (Parmap.L inputs)
  |> List.fold_left combine init
