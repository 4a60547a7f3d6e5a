(* What systhreads can and cannot do: blocking waits overlap, CPU work does
   not speed up. Both are measured and printed. *)

open Threads_starter

let () =
  let n = ref Workload.default_size in
  let workers = ref (Parallel.default_workers ()) in
  let tasks = ref 8 in
  let delay = ref 0.2 in
  let repeats = ref Workload.default_repeats in
  let usage =
    "main [-n SIZE] [-w THREADS] [-r REPEATS] [-tasks N] [-delay SECONDS]"
  in
  Arg.parse
    [
      ("-n", Flag.count "-n" n, "SIZE  sum Collatz steps over 1..SIZE");
      ( "-w",
        Flag.count "-w" workers,
        Printf.sprintf "THREADS  threads for the CPU work (default %d)" !workers
      );
      ( "-r",
        Flag.count "-r" repeats,
        Printf.sprintf "REPEATS  keep the fastest of REPEATS runs (default %d)"
          !repeats );
      ("-tasks", Flag.count "-tasks" tasks, "N  blocking waits (default 8)");
      ( "-delay",
        Flag.seconds "-delay" delay,
        "SECONDS  length of each wait (default 0.2)" );
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    usage;
  let sequential, parallel =
    Parallel.with_workers ~workers:!workers (fun threads ->
        Workload.measure ~repeats:!repeats
          ~sequential:(fun () -> Workload.sequential !n)
          ~parallel:(fun () -> Parallel.sum threads ~n:!n)
          ())
  in
  let agree =
    Workload.report ~name:Parallel.name ~workers:!workers ~n:!n
      ~repeats:!repeats ~sequential ~parallel
  in
  print_endline
    "  (CPU work: threads take turns on the runtime lock, so no speedup)";
  let replies, apart =
    Workload.time (fun () ->
        Blocking.one_after_another ~tasks:!tasks ~delay:!delay)
  in
  let threaded, together =
    Workload.time (fun () -> Blocking.in_threads ~tasks:!tasks ~delay:!delay)
  in
  Printf.printf
    "blocking waits: %d of %.2f s, one after another %.3f s, on %d threads \
     %.3f s: %.2fx\n"
    !tasks !delay apart !tasks together (apart /. together);
  print_endline
    "  (waiting: a blocked thread releases the runtime lock, so waits overlap)";
  if not (agree && replies = threaded) then exit 1
