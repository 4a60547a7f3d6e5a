(* The same workload on domainslib's work-stealing pool.

   A pool starts its domains once and reuses them for every task, so the
   program sets one up ([with_workers]) and passes it to everything that runs
   in parallel. Two ways to split the work on it: [Task.parallel_for_reduce]
   hands the chunk indices out among the pool's domains and combines their
   partial sums ([sum]); [Task.async] and [Task.await] do it by hand, a
   recursive fork-join over halves of the chunks ([fork_join_sum]) that an
   idle domain steals from a busy one. Either must run inside [Task.run]. *)

module T = Domainslib.Task

type t = { pool : T.pool; workers : int }

let name = "domainslib Task.parallel_for_reduce"
let default_workers () = Domain.recommended_domain_count ()

let with_workers ~workers f =
  Workload.check_workers workers;
  (* the calling domain works too: the pool adds workers - 1 domains *)
  let pool = T.setup_pool ~num_domains:(workers - 1) () in
  Fun.protect
    ~finally:(fun () -> T.teardown_pool pool)
    (fun () -> f { pool; workers })

let chunks ~workers ~n =
  Array.of_list (Workload.chunks ~n ~count:(workers * 16))

let sum { pool; workers } ~n =
  let chunks = chunks ~workers ~n in
  T.run pool (fun () ->
      T.parallel_for_reduce pool ( + ) 0 ~start:0
        ~finish:(Array.length chunks - 1)
        ~body:(fun i ->
          let lo, hi = chunks.(i) in
          Workload.sum_range ~lo ~hi))

let fork_join_sum { pool; workers } ~n =
  let chunks = chunks ~workers ~n in
  (* the sum of chunks first .. last - 1 *)
  let rec go first last =
    if last - first = 1 then
      let lo, hi = chunks.(first) in
      Workload.sum_range ~lo ~hi
    else
      let middle = (first + last) / 2 in
      let left = T.async pool (fun () -> go first middle) in
      let right = go middle last in
      T.await pool left + right
  in
  T.run pool (fun () -> go 0 (Array.length chunks))

(* [Task.parallel_for] cuts the indices into batches that idle domains steal;
   each result lands in its own slot, combined here in order. *)
let map_reduce { pool; _ } ~work ~combine init inputs =
  let inputs = Array.of_list inputs in
  let results = Array.make (Array.length inputs) None in
  T.run pool (fun () ->
      T.parallel_for pool ~start:0
        ~finish:(Array.length inputs - 1)
        ~body:(fun i -> results.(i) <- Some (work inputs.(i))));
  Array.fold_left (fun acc r -> combine acc (Option.get r)) init results
