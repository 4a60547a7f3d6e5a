(* The same workload on domainslib's work-stealing pool.

   A pool starts its domains once and reuses them for every task, so it suits
   many small tasks where a [Domain.spawn] per task would cost too much.
   [Task.parallel_for_reduce] splits the chunk indices among the pool's domains
   (stealing work from busy ones) and adds the partial sums. Every [Task.await]
   and [parallel_for*] must run inside [Task.run], and the pool must be torn
   down, or its domains keep the program alive. *)

module T = Domainslib.Task

let name = "domainslib Task.parallel_for_reduce"
let default_workers () = Domain.recommended_domain_count ()

let sum ~workers ~n =
  if workers < 1 then invalid_arg "Parallel.sum: workers must be >= 1";
  let chunks = Array.of_list (Workload.chunks ~n ~count:(workers * 16)) in
  (* the calling domain works too: the pool adds workers - 1 domains *)
  let pool = T.setup_pool ~num_domains:(workers - 1) () in
  Fun.protect
    ~finally:(fun () -> T.teardown_pool pool)
    (fun () ->
      T.run pool (fun () ->
          T.parallel_for_reduce pool ( + ) 0 ~start:0
            ~finish:(Array.length chunks - 1)
            ~body:(fun i ->
              let lo, hi = chunks.(i) in
              Workload.sum_range ~lo ~hi)))
