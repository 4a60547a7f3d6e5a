(* Runs the shared workload sequentially, then in parallel, and compares. *)

open Moonpool_starter

let () =
  let n = ref Workload.default_size in
  let workers = ref (Parallel.default_workers ()) in
  let repeats = ref Workload.default_repeats in
  let usage = "main [-n SIZE] [-w WORKERS] [-r REPEATS]" in
  Arg.parse
    [
      ("-n", Flag.count "-n" n, "SIZE  sum Collatz steps over 1..SIZE");
      ( "-w",
        Flag.count "-w" workers,
        Printf.sprintf "WORKERS  parallel workers (default %d)" !workers );
      ( "-r",
        Flag.count "-r" repeats,
        Printf.sprintf "REPEATS  keep the fastest of REPEATS runs (default %d)"
          !repeats );
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    usage;
  (* the workers start once, outside the timed runs, and serve all of them *)
  let started = ref false in
  match
    Parallel.with_workers ~workers:!workers (fun pool ->
        started := true;
        if !workers > Parallel.default_workers () then
          Printf.eprintf
            "main: warning: -w %d is more than Parallel.default_workers () = \
             %d: workers beyond the cores take turns and add no speedup\n\
             %!"
            !workers
            (Parallel.default_workers ());
        Workload.measure ~repeats:!repeats
          ~sequential:(fun () -> Workload.sequential !n)
          ~parallel:(fun () -> Parallel.sum pool ~n:!n)
          ())
  with
  | exception Invalid_argument reason when not !started ->
      (* the library refused this many workers: a usage error, like a bad flag *)
      Printf.eprintf "main: -w %d: %s\n" !workers reason;
      exit 2
  | sequential, parallel ->
      let agree =
        Workload.report ~name:Parallel.name ~workers:!workers ~n:!n
          ~repeats:!repeats ~sequential ~parallel
      in
      if not agree then exit 1
