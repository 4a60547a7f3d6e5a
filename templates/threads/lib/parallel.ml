(* Systhreads split the workload correctly but do not run it in parallel.
   Only the thread holding the runtime lock runs OCaml code (one lock for the
   whole program on OCaml 4, one per domain on OCaml 5), and a thread gives it
   up only when it blocks or at the tick of a timer. So the CPU-bound work
   below takes as long on N threads as on one: the speedup the starter
   prints is about 1.0x. Threads pay off for waiting (see [Blocking]). *)

type t = { workers : int }

let name = "Thread.create, one runtime lock"

(* threads are not tied to cores: any number shows the same thing *)
let default_workers () = 4

let with_workers ~workers f =
  Workload.check_workers workers;
  f { workers }

let sum { workers } ~n =
  let chunks = Array.of_list (Workload.chunks ~n ~count:(workers * 16)) in
  let next = Atomic.make 0 in
  let partial = Array.make workers 0 in
  let work k =
    let rec loop () =
      let i = Atomic.fetch_and_add next 1 in
      if i < Array.length chunks then (
        let lo, hi = chunks.(i) in
        partial.(k) <- partial.(k) + Workload.sum_range ~lo ~hi;
        loop ())
    in
    loop ()
  in
  List.init workers (Thread.create work) |> List.iter Thread.join;
  Array.fold_left ( + ) 0 partial

(* The same shared counter over any inputs: each result, or the exception
   [work] raised, lands in its own slot, read after [Thread.join]. *)
let map_reduce { workers } ~work ~combine init inputs =
  let inputs = Array.of_list inputs in
  let results = Array.make (Array.length inputs) None in
  let next = Atomic.make 0 in
  let rec loop () =
    let i = Atomic.fetch_and_add next 1 in
    if i < Array.length inputs then (
      results.(i) <- Some (try Ok (work inputs.(i)) with e -> Error e);
      loop ())
  in
  List.init workers (fun _ -> Thread.create loop ()) |> List.iter Thread.join;
  Array.fold_left
    (fun acc r ->
      match Option.get r with Ok r -> combine acc r | Error e -> raise e)
    init results
