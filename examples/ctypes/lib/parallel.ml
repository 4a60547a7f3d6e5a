(* The workload on system threads that call the C kernel with the runtime
   lock released: while one thread computes in C, the lock is free, so the
   others run too, each on its own core. Only their OCaml parts (taking the
   next chunk, adding its sum) take turns on the lock, and those are short.
   The same threads calling the kernel with the lock held take turns for the
   whole computation, as OCaml code on threads does: no speedup. *)

type t = { workers : int }

let name = "C through ctypes on threads, runtime lock released"
let default_workers () = Kernel.cores ()

let with_workers ~workers f =
  Workload.check_workers workers;
  f { workers }

(* [workers] threads take the indices 0 .. count - 1 from a shared counter
   until none is left, and give each to [f thread i]. *)
let each_on_threads workers ~count f =
  let next = ref 0 in
  let lock = Mutex.create () in
  let take () =
    Mutex.lock lock;
    let i = !next in
    next := i + 1;
    Mutex.unlock lock;
    i
  in
  let work k =
    let rec loop () =
      let i = take () in
      if i < count then (
        f k i;
        loop ())
    in
    loop ()
  in
  List.init workers (Thread.create work) |> List.iter Thread.join

(* 1..n's chunks on the threads, each given to [f thread ~lo ~hi]. Nothing
   here raises: the C calls cannot, and the chunks are in bounds. *)
let on_threads workers ~n f =
  let chunks = Array.of_list (Workload.chunks ~n ~count:(workers * 16)) in
  each_on_threads workers ~count:(Array.length chunks) (fun k i ->
      let lo, hi = chunks.(i) in
      f k ~lo ~hi)

let sum_with kernel { workers } ~n =
  let partial = Array.make workers 0 in
  on_threads workers ~n (fun k ~lo ~hi ->
      partial.(k) <- partial.(k) + kernel ~lo ~hi);
  Array.fold_left ( + ) 0 partial

let sum t ~n = sum_with Kernel.sum_range t ~n
let sum_holding_lock t ~n = sum_with Kernel.sum_range_holding_lock t ~n

let steps { workers } ~n =
  let steps = Bigarray.Array1.create Bigarray.int32 Bigarray.c_layout n in
  (* each thread gets its own slice of the one array: no two write the same
     element *)
  on_threads workers ~n (fun _ ~lo ~hi ->
      Kernel.steps_into (Bigarray.Array1.sub steps (lo - 1) (hi - lo)) ~lo);
  steps

(* OCaml work, not C: the threads take turns on the runtime lock, as in the
   threads starter. An exception in [work] is kept and raised here, since one
   that ended a thread would only be printed. *)
let map_reduce { workers } ~work ~combine init inputs =
  let inputs = Array.of_list inputs in
  let results = Array.make (Array.length inputs) None in
  each_on_threads workers ~count:(Array.length inputs) (fun _ i ->
      results.(i) <- Some (try Ok (work inputs.(i)) with e -> Error e));
  Array.fold_left
    (fun acc r ->
      match Option.get r with Ok r -> combine acc r | Error e -> raise e)
    init results
