(* The CPU-bound workload every parallel starter shares, so their timings compare:
   the total number of Collatz steps of the integers 1..n. It is deterministic,
   needs no memory, and splits into independent ranges whose partial sums add up. *)

let collatz_steps n =
  let rec go n steps =
    if n = 1 then steps
    else go (if n land 1 = 0 then n lsr 1 else (3 * n) + 1) (steps + 1)
  in
  go n 0

let sum_range ~lo ~hi =
  let total = ref 0 in
  for i = lo to hi - 1 do
    total := !total + collatz_steps i
  done;
  !total

let sequential n = sum_range ~lo:1 ~hi:(n + 1)

let chunks ~n ~count =
  let count = max 1 (min count n) in
  List.init count (fun k -> (1 + (k * n / count), 1 + ((k + 1) * n / count)))

let default_size = 5_000_000

let check_workers workers =
  if workers < 1 then
    invalid_arg
      (Printf.sprintf "with_workers: workers must be at least 1, not %d" workers)

let time ?(now = Unix.gettimeofday) f =
  let t0 = now () in
  let result = f () in
  (result, now () -. t0)

(* the fastest of [repeats] runs: the one the rest of the machine disturbed least *)
let fastest ?now repeats f =
  let rec go k (result, best) =
    if k <= 1 then (result, best)
    else
      let _, seconds = time ?now f in
      go (k - 1) (result, Float.min best seconds)
  in
  go repeats (time ?now f)

let default_repeats = 3

(* Alternating the two spreads the machine's drift (frequency scaling, other
   work) over both instead of charging it to whichever ran last; the warm-up
   pays for page faults, the first domain or process starts and the caches.
   A run whose answer differs from the warm-up's is kept as the answer, so one bad
   run among good ones still shows as a disagreement. *)
let measure ?now ~repeats ~sequential ~parallel () =
  let warm_seq = sequential () in
  let warm_par = parallel () in
  let keep first (answer, best) (a, seconds) =
    ((if answer = first then a else answer), Float.min best seconds)
  in
  let rec go k seq par =
    if k = 0 then (seq, par)
    else
      go (k - 1)
        (keep warm_seq seq (time ?now sequential))
        (keep warm_par par (time ?now parallel))
  in
  go (max 1 repeats) (warm_seq, infinity) (warm_par, infinity)

let report ~name ~workers ~n ~repeats ~sequential:(seq, seq_time)
    ~parallel:(par, par_time) =
  Printf.printf "workload: Collatz steps of 1..%d\n" n;
  Printf.printf
    "timing: the fastest of %d run%s each, alternating, after a discarded \
     warm-up\n"
    repeats
    (if repeats = 1 then "" else "s");
  Printf.printf "sequential: %d in %.3f s\n" seq seq_time;
  Printf.printf "parallel (%s, %d worker%s): %d in %.3f s\n" name workers
    (if workers = 1 then "" else "s")
    par par_time;
  Printf.printf "speedup: %.2fx\n" (seq_time /. par_time);
  Printf.printf "results agree: %s\n" (if seq = par then "yes" else "NO");
  seq = par
