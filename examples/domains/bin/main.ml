(* Runs the shared workload sequentially, then in parallel, and compares. *)

open Domains_starter

let () =
  let n = ref Workload.default_size in
  let workers = ref (Parallel.default_workers ()) in
  let repeats = ref Workload.default_repeats in
  let usage = "main [-n SIZE] [-w WORKERS] [-r REPEATS]" in
  Arg.parse
    [
      ("-n", Positive.count "-n" n, "SIZE  sum Collatz steps over 1..SIZE");
      ( "-w",
        Positive.count "-w" workers,
        Printf.sprintf "WORKERS  parallel workers (default %d)" !workers );
      ( "-r",
        Positive.count "-r" repeats,
        Printf.sprintf "REPEATS  keep the fastest of REPEATS runs (default %d)"
          !repeats );
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    usage;
  let sequential, parallel =
    Workload.measure ~repeats:!repeats
      ~sequential:(fun () -> Workload.sequential !n)
      ~parallel:(fun () -> Parallel.sum ~workers:!workers ~n:!n)
      ()
  in
  let agree =
    Workload.report ~name:Parallel.name ~workers:!workers ~n:!n
      ~repeats:!repeats ~sequential ~parallel
  in
  if not agree then exit 1
