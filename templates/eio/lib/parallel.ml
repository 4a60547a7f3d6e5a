(* CPU work on other cores from Eio, as Eio recommends: through one
   [Eio.Executor_pool], created when the program starts, whose domains take
   the jobs submitted to it. A fiber that submits a job waits for its result
   without blocking the other fibers of its domain, so the domain running the
   event loop keeps serving while the pool computes. *)

let name = "Eio.Executor_pool"

(* The calling domain keeps the event loop: the pool gets the other cores. *)
let default_workers () = max 1 (Domain.recommended_domain_count () - 1)

(* Many more jobs than domains: a domain that finishes early takes the next
   job instead of idling. *)
let jobs ~n = Workload.chunks ~n ~count:(16 * Domain.recommended_domain_count ())

(* [~weight:1.0]: each job keeps a domain busy, so a domain runs one at a
   time. *)
let sum pool ~n =
  jobs ~n
  |> Eio.Fiber.List.map (fun (lo, hi) ->
      Eio.Executor_pool.submit_exn pool ~weight:1.0 (fun () ->
          Workload.sum_range ~lo ~hi))
  |> List.fold_left ( + ) 0

(* One job per input: the fibers submit them all, and wait for their results
   in order. *)
let map_reduce pool ~work ~combine init inputs =
  inputs
  |> Eio.Fiber.List.map (fun input ->
      Eio.Executor_pool.submit_exn pool ~weight:1.0 (fun () -> work input))
  |> List.fold_left combine init
