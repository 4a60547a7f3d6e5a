(* Four workloads, each deterministic and sized by one n, each answering one
   int that every approach must reproduce. collatz is the CPU-bound best case
   (no allocation, nothing to ship, a few big chunks); the other three add
   one cost each: allocation (the GC), data to ship to the workers and back,
   and the overhead of handing out many small tasks. *)

type job =
  | Collatz of int
  | Tasks : {
      inputs : 'input list;
      work : 'input -> 'output;
      combine : int -> 'output -> int;
    }
      -> job

type t = { name : string; about : string; prepare : n:int -> job }

(* a fixed number of pieces, whatever the workers: every approach gets the
   same inputs, and more pieces than cores balance the load *)
let pieces = 64

(* Per number, a short list of boxed pairs that dies young (minor
   collections), and per piece a map that lives until the piece ends
   (promotions and major work). *)
let allocate (lo, hi) =
  let module M = Map.Make (Int) in
  let total = ref 0 and kept = ref M.empty in
  for i = lo to hi - 1 do
    let pairs = List.init (8 + (i mod 16)) (fun k -> (i, k)) in
    let v = List.fold_left (fun acc (a, b) -> acc + (a lxor b)) 0 pairs in
    kept := M.add (i mod 4096) v !kept;
    total := !total + v
  done;
  M.fold (fun _ v acc -> acc + (v land 0xff)) !kept !total

(* n floats, in pieces; each becomes a piece of n floats to send back *)
let floats ~n =
  List.map
    (fun (lo, hi) -> Array.init (hi - lo) (fun k -> float_of_int (lo + k)))
    (Workload.chunks ~n ~count:pieces)

let transform piece = Array.map (fun x -> Float.sqrt x +. Float.sin x) piece

(* the sum of a result piece, in its order, so that it is the same wherever it
   was computed *)
let checksum acc piece = acc + Float.to_int (Array.fold_left ( +. ) 0. piece)
let sum_range (lo, hi) = Workload.sum_range ~lo ~hi
let small = 20

let all =
  [
    {
      name = "collatz";
      about = "Collatz steps of 1..n, split as each approach splits it";
      prepare = (fun ~n -> Collatz n);
    };
    {
      name = "allocation";
      about =
        "n/2 short-lived lists of pairs and 64 maps, in 64 pieces (GC pressure)";
      prepare =
        (fun ~n ->
          Tasks
            {
              inputs = Workload.chunks ~n:(max 1 (n / 2)) ~count:pieces;
              work = allocate;
              combine = ( + );
            });
    };
    {
      name = "data";
      about =
        "n floats shipped in 64 pieces, each mapped to a piece of n floats \
         shipped back (data movement)";
      prepare =
        (fun ~n ->
          Tasks { inputs = floats ~n; work = transform; combine = checksum });
    };
    {
      name = "small-tasks";
      about =
        "Collatz steps of 1..n as n/20 tasks of 20 numbers (per-task overhead)";
      prepare =
        (fun ~n ->
          Tasks
            {
              inputs = Workload.chunks ~n ~count:(max 1 (n / small));
              work = sum_range;
              combine = ( + );
            });
    };
  ]

let find name = List.find_opt (fun w -> w.name = name) all

let sequential = function
  | Collatz n -> Workload.sequential n
  | Tasks { inputs; work; combine } ->
      List.fold_left (fun acc input -> combine acc (work input)) 0 inputs
