(* The shared workload in C on system threads, called through ctypes with the
   runtime lock released: timed against OCaml's sequential run, and again with
   the lock held, to show that releasing it is what makes the speedup. *)

open Ctypes_starter

let () =
  let n = ref Workload.default_size in
  let workers = ref (Parallel.default_workers ()) in
  let repeats = ref Workload.default_repeats in
  let usage = "main [-n SIZE] [-w THREADS] [-r REPEATS]" in
  Arg.parse
    [
      ("-n", Flag.count "-n" n, "SIZE  sum Collatz steps over 1..SIZE");
      ( "-w",
        Flag.count "-w" workers,
        Printf.sprintf "THREADS  threads calling C (default %d, the cores)"
          !workers );
      ( "-r",
        Flag.count "-r" repeats,
        Printf.sprintf "REPEATS  keep the fastest of REPEATS runs (default %d)"
          !repeats );
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    usage;
  Parallel.with_workers ~workers:!workers (fun threads ->
      let sequential, parallel =
        Workload.measure ~repeats:!repeats
          ~sequential:(fun () -> Workload.sequential !n)
          ~parallel:(fun () -> Parallel.sum threads ~n:!n)
          ()
      in
      let agree =
        Workload.report ~name:Parallel.name ~workers:!workers ~n:!n
          ~repeats:!repeats ~sequential ~parallel
      in
      (* the same C, on one thread and then on the threads holding the lock *)
      let (alone, one), (held, together) =
        Workload.measure ~repeats:!repeats
          ~sequential:(fun () -> Kernel.sum_range ~lo:1 ~hi:(!n + 1))
          ~parallel:(fun () -> Parallel.sum_holding_lock threads ~n:!n)
          ()
      in
      let released = snd parallel in
      Printf.printf
        "C on one thread: %.3f s; on %d threads: %.3f s with the runtime lock \
         released (%.2fx), %.3f s holding it (%.2fx)\n"
        one !workers released (one /. released) together (one /. together);
      print_endline
        "  (holding the lock, the threads take turns: only released does C run \
         in parallel)";
      (* C's answers number by number, written into a bigarray by the threads *)
      let checked = min !n 100_000 in
      let steps = Parallel.steps threads ~n:checked in
      let same = ref true in
      for i = 1 to checked do
        if Int32.to_int steps.{i - 1} <> Workload.collatz_steps i then
          same := false
      done;
      Printf.printf
        "C's steps of 1..%d, written by %d threads into a bigarray: %s\n"
        checked !workers
        (if !same then "each equals OCaml's" else "DIFFERENT from OCaml's");
      let c_agrees = alone = fst sequential && held = fst sequential in
      if not (agree && c_agrees && !same) then exit 1)
