(* The same workload on moonpool's work-stealing pool.

   Moonpool keeps one fixed set of domains, one per core, for the whole
   process, and runs each pool's worker threads on them. [with_workers] makes
   one [Ws_pool] for the program: [~num_threads] is the degree of parallelism
   (the calling thread only waits for results, it does not work), and
   [Ws_pool.with_] shuts the pool down when the function returns or raises.

   Two ways to split the work on it. [sum]: one future per chunk
   ([Fut.spawn ~on:pool]), all joined ([Fut.join_array]), the calling thread
   blocking on the result ([Fut.wait_block_exn], safe from outside the pool).
   [fork_join_sum]: [Moonpool_forkjoin.both] halves the chunks recursively;
   it needs the pool's effect handler, so it starts inside a task of the
   pool. *)

open Moonpool

type t = { pool : Runner.t; workers : int }

let name = "moonpool Ws_pool + Fut"
let default_workers () = recommended_thread_count ()

let with_workers ~workers f =
  Workload.check_workers workers;
  Ws_pool.with_ ~num_threads:workers () (fun pool -> f { pool; workers })

let chunks ~workers ~n =
  Array.of_list (Workload.chunks ~n ~count:(workers * 16))

let sum { pool; workers } ~n =
  chunks ~workers ~n
  |> Array.map (fun (lo, hi) ->
      Fut.spawn ~on:pool (fun () -> Workload.sum_range ~lo ~hi))
  |> Fut.join_array |> Fut.wait_block_exn |> Array.fold_left ( + ) 0

let fork_join_sum { pool; workers } ~n =
  let chunks = chunks ~workers ~n in
  (* the sum of chunks first .. last - 1 *)
  let rec go first last =
    if last - first = 1 then
      let lo, hi = chunks.(first) in
      Workload.sum_range ~lo ~hi
    else
      let middle = (first + last) / 2 in
      let left, right =
        Moonpool_forkjoin.both
          (fun () -> go first middle)
          (fun () -> go middle last)
      in
      left + right
  in
  Fut.spawn ~on:pool (fun () -> go 0 (Array.length chunks))
  |> Fut.wait_block_exn
