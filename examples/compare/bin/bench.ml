(* Runs every approach of this project on the shared workload at 1..N
   workers and prints, for each, the time, the speedup over the sequential
   run and the efficiency (speedup per worker), checking every answer. *)

open Compare_starter

type row = { approach : string; workers : int; seconds : float; correct : bool }

(* the fastest of [repeats] runs: the one the rest of the machine disturbed least *)
let fastest repeats f =
  let rec go k (answer, best) =
    if k = 0 then (answer, best)
    else
      let _, seconds = Workload.time f in
      go (k - 1) (answer, Float.min best seconds)
  in
  go (repeats - 1) (Workload.time f)

let print_rows format ~sequential rows =
  let speedup r = sequential /. r.seconds in
  let efficiency r = 100. *. speedup r /. float_of_int r.workers in
  let yes r = if r.correct then "yes" else "NO" in
  match format with
  | `Csv ->
      print_endline "approach,workers,seconds,speedup,efficiency,correct";
      List.iter
        (fun r ->
          Printf.printf "%s,%d,%.4f,%.3f,%.1f,%s\n" r.approach r.workers
            r.seconds (speedup r) (efficiency r) (yes r))
        rows
  | `Markdown ->
      print_endline
        "| approach | workers | time (s) | speedup | efficiency | correct |";
      print_endline "|---|---:|---:|---:|---:|---|";
      List.iter
        (fun r ->
          Printf.printf "| %s | %d | %.3f | %.2fx | %.0f%% | %s |\n" r.approach
            r.workers r.seconds (speedup r) (efficiency r) (yes r))
        rows
  | `Text ->
      Printf.printf "%-12s %7s %9s %8s %11s  %s\n" "approach" "workers"
        "time (s)" "speedup" "efficiency" "correct";
      List.iter
        (fun r ->
          Printf.printf "%-12s %7d %9.3f %7.2fx %10.0f%%  %s\n" r.approach
            r.workers r.seconds (speedup r) (efficiency r) (yes r))
        rows

let () =
  let n = ref Workload.default_size in
  let max_workers = ref (Domain.recommended_domain_count ()) in
  let repeats = ref 1 in
  let format = ref `Text in
  Arg.parse
    [
      ("-n", Arg.Set_int n, "SIZE  sum Collatz steps over 1..SIZE");
      ( "-w",
        Arg.Set_int max_workers,
        Printf.sprintf "WORKERS  run each approach on 1..WORKERS (default %d)"
          !max_workers );
      ("-r", Arg.Set_int repeats, "REPEATS  keep the fastest of REPEATS runs");
      ("--csv", Arg.Unit (fun () -> format := `Csv), " print CSV");
      ("--markdown", Arg.Unit (fun () -> format := `Markdown), " print Markdown");
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    "bench [-n SIZE] [-w WORKERS] [-r REPEATS] [--csv | --markdown]";
  if !n < 1 || !max_workers < 1 || !repeats < 1 then (
    prerr_endline "SIZE, WORKERS and REPEATS must be at least 1";
    exit 2);
  let expected, sequential =
    fastest !repeats (fun () -> Workload.sequential !n)
  in
  let baseline =
    {
      approach = "sequential";
      workers = 1;
      seconds = sequential;
      correct = true;
    }
  in
  let rows =
    List.concat_map
      (fun (approach, (module A : All_approaches.APPROACH)) ->
        List.init !max_workers (fun i ->
            let workers = i + 1 in
            let answer, seconds =
              fastest !repeats (fun () -> A.sum ~workers ~n:!n)
            in
            { approach; workers; seconds; correct = answer = expected }))
      All_approaches.all
  in
  if !format = `Text then (
    Printf.printf "workload: Collatz steps of 1..%d = %d\n" !n expected;
    List.iter
      (fun (key, (module A : All_approaches.APPROACH)) ->
        Printf.printf "  %s: %s\n" key A.name)
      All_approaches.all);
  print_rows !format ~sequential (baseline :: rows);
  if List.exists (fun r -> not r.correct) rows then exit 1
