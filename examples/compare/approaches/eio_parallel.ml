(* CPU work on other cores from Eio: [Eio.Domain_manager.run] runs a function
   on a new domain and returns its result to the calling fiber, which waits
   without blocking the other fibers of its domain. Each worker takes the next
   chunk of the shared workload from an [Atomic] counter until none is left. *)

let name = "Eio.Domain_manager.run"
let default_workers () = Domain.recommended_domain_count ()

let sum ~domain_mgr ~workers ~n =
  if workers < 1 then invalid_arg "Parallel.sum: workers must be >= 1";
  let chunks = Array.of_list (Workload.chunks ~n ~count:(workers * 16)) in
  let next = Atomic.make 0 in
  let rec work acc =
    let i = Atomic.fetch_and_add next 1 in
    if i >= Array.length chunks then acc
    else
      let lo, hi = chunks.(i) in
      work (acc + Workload.sum_range ~lo ~hi)
  in
  List.init workers Fun.id
  |> Eio.Fiber.List.map (fun _ ->
      Eio.Domain_manager.run domain_mgr (fun () -> work 0))
  |> List.fold_left ( + ) 0
