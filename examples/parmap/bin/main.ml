(* Runs the shared workload sequentially, then in parallel, and compares. *)

open Parmap_starter

(* A bad flag value stops the program with a message that names the flag, and
   exit 2, as Arg does for a value that is not a number. *)
let count flag r =
  Arg.Int
    (fun v ->
      if v < 1 then
        raise (Arg.Bad (Printf.sprintf "%s must be at least 1, not %d" flag v));
      r := v)

let () =
  let n = ref Workload.default_size in
  let workers = ref (Parallel.default_workers ()) in
  let repeats = ref 1 in
  let usage = "main [-n SIZE] [-w WORKERS] [-r REPEATS]" in
  Arg.parse
    [
      ("-n", count "-n" n, "SIZE  sum Collatz steps over 1..SIZE");
      ( "-w",
        count "-w" workers,
        Printf.sprintf "WORKERS  parallel workers (default %d)" !workers );
      ( "-r",
        count "-r" repeats,
        "REPEATS  keep the fastest of REPEATS runs (default 1)" );
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    usage;
  let sequential =
    Workload.fastest !repeats (fun () -> Workload.sequential !n)
  in
  let parallel =
    Workload.fastest !repeats (fun () -> Parallel.sum ~workers:!workers ~n:!n)
  in
  let agree =
    Workload.report ~name:Parallel.name ~workers:!workers ~n:!n ~sequential
      ~parallel
  in
  if not agree then exit 1
