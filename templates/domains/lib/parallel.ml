(* Shared-memory parallelism with nothing but the OCaml 5 standard library.

   Each worker is a domain: an OS thread running OCaml in parallel with its
   own minor heap. The calling domain counts as a worker, so [workers]
   domains means [workers - 1] calls to [Domain.spawn], made by every [sum]
   and joined before it returns: a spawn costs tens of microseconds, nothing
   next to a sum. Work is handed out through an [Atomic] counter over many
   small chunks, so a domain that finishes early takes the next chunk instead
   of idling (load balancing), and no lock is needed: [Domain.join] returns
   each domain's partial sum. *)

type t = { workers : int }

let name = "Domain.spawn + Atomic"
let default_workers () = Domain.recommended_domain_count ()

let with_workers ~workers f =
  Workload.check_workers workers;
  f { workers }

let sum { workers } ~n =
  let chunks = Array.of_list (Workload.chunks ~n ~count:(workers * 16)) in
  let next = Atomic.make 0 in
  let rec work acc =
    let i = Atomic.fetch_and_add next 1 in
    if i >= Array.length chunks then acc
    else
      let lo, hi = chunks.(i) in
      work (acc + Workload.sum_range ~lo ~hi)
  in
  let helpers =
    List.init (workers - 1) (fun _ -> Domain.spawn (fun () -> work 0))
  in
  let mine = work 0 in
  List.fold_left (fun acc d -> acc + Domain.join d) mine helpers

(* The same hand-out over any inputs: each result lands in its own slot (one
   writer per slot, read after [Domain.join]), combined here in order. An
   exception in [work] is raised here once every domain has stopped. *)
let map_reduce { workers } ~work ~combine init inputs =
  let inputs = Array.of_list inputs in
  let results = Array.make (Array.length inputs) None in
  let next = Atomic.make 0 in
  let rec go () =
    let i = Atomic.fetch_and_add next 1 in
    if i < Array.length inputs then (
      results.(i) <- Some (work inputs.(i));
      go ())
  in
  let outcome f = match f () with () -> None | exception e -> Some e in
  let helpers = List.init (workers - 1) (fun _ -> Domain.spawn go) in
  let mine = outcome go in
  let theirs = List.map (fun d -> outcome (fun () -> Domain.join d)) helpers in
  Option.iter raise (List.find_map Fun.id (mine :: theirs));
  Array.fold_left (fun acc r -> combine acc (Option.get r)) init results
