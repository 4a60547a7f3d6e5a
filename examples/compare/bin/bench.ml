(* Runs every approach of this project on each chosen workload at 1..N
   workers and prints, for each, the time, the speedup over the sequential
   run and the efficiency (speedup per worker), checking every answer; and
   draws the speedups as an SVG chart, one panel per workload. *)

open Compare_starter

type outcome =
  | Timed of { seconds : float; correct : bool }
  | Failed of string  (** why the run did not finish *)

type row = {
  workload : string;
  approach : string;
  workers : int;
  outcome : outcome;
}

(* a workload's sequential run: the reference answer and time *)
type baseline = { name : string; answer : int; seconds : float }

let correct r = match r.outcome with Timed t -> t.correct | Failed _ -> false

(* the rows that have a time, with it *)
let timed rows =
  List.filter_map
    (fun r ->
      match r.outcome with Timed t -> Some (r, t.seconds) | Failed _ -> None)
    rows

(* the sequential time of the row's workload *)
let sequential_of baselines r =
  (List.find (fun b -> b.name = r.workload) baselines).seconds

let speedup baselines r seconds = sequential_of baselines r /. seconds

let efficiency baselines r seconds =
  100. *. speedup baselines r seconds /. float_of_int r.workers

let yes r = if correct r then "yes" else "NO"

(* the time, speedup and efficiency of a row that has them *)
let figures baselines r =
  match r.outcome with
  | Failed _ -> None
  | Timed { seconds; _ } ->
      Some (seconds, speedup baselines r seconds, efficiency baselines r seconds)

(* a failed run's row says so where its figures would be *)
let print_rows format baselines rows =
  let figures = figures baselines in
  match format with
  | `Csv ->
      print_endline
        "workload,approach,workers,seconds,speedup,efficiency,correct";
      List.iter
        (fun r ->
          match figures r with
          | Some (t, s, e) ->
              Printf.printf "%s,%s,%d,%.4f,%.3f,%.1f,%s\n" r.workload r.approach
                r.workers t s e (yes r)
          | None ->
              Printf.printf "%s,%s,%d,failed,,,NO\n" r.workload r.approach
                r.workers)
        rows
  | `Markdown ->
      print_endline
        "| workload | approach | workers | time (s) | speedup | efficiency | \
         correct |";
      print_endline "|---|---|---:|---:|---:|---:|---|";
      List.iter
        (fun r ->
          match figures r with
          | Some (t, s, e) ->
              Printf.printf "| %s | %s | %d | %.3f | %.2fx | %.0f%% | %s |\n"
                r.workload r.approach r.workers t s e (yes r)
          | None ->
              Printf.printf "| %s | %s | %d | failed | | | NO |\n" r.workload
                r.approach r.workers)
        rows
  | `Text ->
      Printf.printf "%-12s %-12s %7s %9s %8s %11s  %s\n" "workload" "approach"
        "workers" "time (s)" "speedup" "efficiency" "correct";
      List.iter
        (fun r ->
          match figures r with
          | Some (t, s, e) ->
              Printf.printf "%-12s %-12s %7d %9.3f %7.2fx %10.0f%%  %s\n"
                r.workload r.approach r.workers t s e (yes r)
          | None ->
              Printf.printf "%-12s %-12s %7d %9s %8s %11s  NO\n" r.workload
                r.approach r.workers "failed" "" "")
        rows

(* The results in the JSON that multicore-bench prints for current-bench's
   dashboards: {"results": [{"name", "metrics": [{"name", "value", "units",
   "trend", "description"}]}]}, one benchmark per workload and a metric
   "time/APPROACH, K workers" (and speedup) per timed row. *)
let json baselines rows =
  let quote s =
    let b = Buffer.create (String.length s + 2) in
    Buffer.add_char b '"';
    String.iter
      (function
        | ('"' | '\\') as c ->
            Buffer.add_char b '\\';
            Buffer.add_char b c
        | c when Char.code c < 0x20 -> Printf.bprintf b "\\u%04x" (Char.code c)
        | c -> Buffer.add_char b c)
      s;
    Buffer.add_char b '"';
    Buffer.contents b
  in
  (* JSON has no infinity: a time too short for the clock gives no metric *)
  let metric ~name ~value ~units ~trend ~description =
    if Float.is_finite value then
      Some
        (Printf.sprintf
           "{\"name\": %s, \"value\": %.6g, \"units\": %s, \"trend\": %s, \
            \"description\": %s}"
           (quote name) value (quote units) (quote trend) (quote description))
    else None
  in
  let config r =
    Printf.sprintf "%s, %d worker%s" r.approach r.workers
      (if r.workers = 1 then "" else "s")
  in
  let benchmark b =
    let mine = List.filter (fun r -> r.workload = b.name && correct r) rows in
    let metrics =
      metric ~name:"time/sequential" ~value:b.seconds ~units:"s"
        ~trend:"lower-is-better" ~description:"Sequential time"
      :: List.concat_map
           (fun (r, t) ->
             [
               metric
                 ~name:("time/" ^ config r)
                 ~value:t ~units:"s" ~trend:"lower-is-better"
                 ~description:"Time of one call";
               metric
                 ~name:("speedup/" ^ config r)
                 ~value:(speedup baselines r t) ~units:"x"
                 ~trend:"higher-is-better" ~description:"Sequential time / time";
             ])
           (timed mine)
    in
    Printf.sprintf "{\"name\": %s, \"metrics\": [\n%s\n]}"
      (quote ("compare/" ^ b.name))
      (String.concat ",\n" (List.filter_map Fun.id metrics))
  in
  Printf.sprintf "{\"results\": [\n%s\n]}\n"
    (String.concat ",\n" (List.map benchmark baselines))

(* The chart: speedup against workers, one panel per workload, one line per
   approach (the same colour in every panel) and the ideal (linear) one,
   plain SVG that reads in a browser and in GitHub's README view, light or
   dark. A point's tooltip gives its time, speedup and efficiency; a wrong
   answer is drawn as a cross. Every panel has the same worker axis, and a
   speedup axis up to its own highest speedup (at least the ideal's). *)

(* where a panel's plot goes in the picture, and the scales *)
type frame = {
  left : float;
  top : float;
  plot_w : float;
  plot_h : float;
  max_workers : int;
  y_max : float;
}

let panel_w = 360.
let panel_h = 300.
let legend_w = 210.
let header_h = 56.

(* panels two to a row *)
let columns count = min 2 count

let frame ~y_max ~max_workers i =
  let col = i mod 2 and row = i / 2 in
  let left = (float_of_int col *. panel_w) +. 64.
  and top = header_h +. (float_of_int row *. panel_h) +. 28. in
  {
    left;
    top;
    plot_w = panel_w -. 64. -. 16.;
    plot_h = panel_h -. 28. -. 56.;
    max_workers;
    y_max;
  }

let x_of f w =
  if f.max_workers = 1 then f.left +. (f.plot_w /. 2.)
  else
    f.left
    +. (f.plot_w *. float_of_int (w - 1) /. float_of_int (f.max_workers - 1))

let y_of f s = f.top +. f.plot_h -. (f.plot_h *. s /. f.y_max)

(* a colour per approach: the template's ten, and two more for your own *)
let palette =
  [|
    "#4e79a7";
    "#f28e2b";
    "#e15759";
    "#59a14f";
    "#b07aa1";
    "#76b7b2";
    "#edc948";
    "#9c755f";
    "#ff9da7";
    "#bab0ac";
    "#17becf";
    "#d37295";
  |]

let colour i = palette.(i mod Array.length palette)

(* the opening tag, the light and dark styles, the title and the caption *)
let heading b ~width ~height ~caption =
  let add fmt = Printf.bprintf b fmt in
  add
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" \
     viewBox=\"0 0 %.0f %.0f\" font-family=\"system-ui, sans-serif\" \
     font-size=\"13\" role=\"img\">\n"
    width height width height;
  add "<title>Speedup against workers: %s</title>\n" caption;
  add
    "<style>\n\
     .bg { fill: #ffffff } .ink { fill: #24292f } .line { stroke: #24292f }\n\
     .grid { stroke: #d0d7de } .ideal { stroke: #8c959f }\n\
     @media (prefers-color-scheme: dark) {\n\
     .bg { fill: #0d1117 } .ink { fill: #e6edf3 } .line { stroke: #e6edf3 }\n\
     .grid { stroke: #30363d } .ideal { stroke: #6e7681 } }\n\
     </style>\n";
  add "<rect class=\"bg\" width=\"100%%\" height=\"100%%\"/>\n";
  add
    "<text class=\"ink\" x=\"64\" y=\"24\" font-size=\"16\" \
     font-weight=\"600\">Speedup against workers</text>\n";
  add "<text class=\"ink\" x=\"64\" y=\"42\" font-size=\"12\">%s</text>\n"
    caption

(* a panel's title, grid, ticks, axes and their titles, and the ideal line *)
let axes b f ~title =
  let { left; top; plot_w; plot_h; max_workers; y_max } = f in
  let x = x_of f and y = y_of f in
  let add fmt = Printf.bprintf b fmt in
  add
    "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\" font-weight=\"600\">%s</text>\n"
    left (top -. 10.) title;
  (* grid and ticks: every worker count, and about five speedup steps *)
  let step = Float.max 0.5 (Float.round (y_max /. 5.)) in
  let rec y_ticks s =
    if s <= y_max then (
      add
        "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n"
        left (y s) (left +. plot_w) (y s);
      add
        "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\" \
         text-anchor=\"end\">%gx</text>\n"
        (left -. 8.)
        (y s +. 4.)
        s;
      y_ticks (s +. step))
  in
  y_ticks 0.;
  let x_step = max 1 (max_workers / 8) in
  for w = 1 to max_workers do
    if (w - 1) mod x_step = 0 || w = max_workers then
      add
        "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\" \
         text-anchor=\"middle\">%d</text>\n"
        (x w)
        (top +. plot_h +. 18.)
        w
  done;
  add "<line class=\"line\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n"
    left (top +. plot_h) (left +. plot_w) (top +. plot_h);
  add "<line class=\"line\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n"
    left top left (top +. plot_h);
  add
    "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" \
     font-size=\"12\">workers (domains, processes or ranks)</text>\n"
    (left +. (plot_w /. 2.))
    (top +. plot_h +. 36.);
  add
    "<text class=\"ink\" transform=\"translate(%.1f %.1f) rotate(-90)\" \
     text-anchor=\"middle\" font-size=\"12\">speedup (sequential time / \
     time)</text>\n"
    (left -. 44.)
    (top +. (plot_h /. 2.));
  (* the ideal: n workers, n times faster *)
  add
    "<line class=\"ideal\" stroke-dasharray=\"6 4\" x1=\"%.1f\" y1=\"%.1f\" \
     x2=\"%.1f\" y2=\"%.1f\"><title>ideal: linear speedup</title></line>\n"
    (x 1) (y 1.) (x max_workers)
    (y (float_of_int max_workers))

(* one approach on one panel: its line and its points (a cross for a wrong
   answer, a tooltip each), in the approach's colour [i] *)
let series b f baselines ~rows ~workload i approach =
  let x = x_of f and y = y_of f in
  let add fmt = Printf.bprintf b fmt in
  let drawn =
    timed
      (List.filter
         (fun r -> r.approach = approach && r.workload = workload)
         rows)
  in
  let point (r, t) = (x r.workers, y (speedup baselines r t)) in
  (* an approach that did not run this workload has no line on its panel *)
  if drawn <> [] then (
    add "<g class=\"series\" data-approach=\"%s\" data-workload=\"%s\">\n"
      approach workload;
    add
      "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" \
       points=\"%s\"/>\n"
      (colour i)
      (String.concat " "
         (List.map
            (fun p ->
              let px, py = point p in
              Printf.sprintf "%.1f,%.1f" px py)
            drawn));
    List.iter
      (fun ((r, t) as p) ->
        let px, py = point p in
        let tip =
          Printf.sprintf
            "%s, %s, %d worker%s: %.3f s, speedup %.2fx, efficiency %.0f%%%s"
            workload approach r.workers
            (if r.workers = 1 then "" else "s")
            t (speedup baselines r t) (efficiency baselines r t)
            (if correct r then "" else ", WRONG ANSWER")
        in
        if correct r then
          add
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" \
             fill=\"%s\"><title>%s</title></circle>\n"
            px py (colour i) tip
        else
          add
            "<path class=\"line wrong\" stroke-width=\"3\" d=\"M%.1f %.1fl10 \
             10m0 -10l-10 10\"><title>%s</title></path>\n"
            (px -. 5.) (py -. 5.) tip)
      drawn;
    add "</g>\n")

(* the legend, right of the panels: each approach's colour, and its speedup
   at the most workers on each workload *)
let legend b ~x baselines rows i approach =
  let add fmt = Printf.bprintf b fmt in
  let mine = List.filter (fun r -> r.approach = approach) rows in
  let wrong = List.exists (fun r -> not (correct r)) mine in
  let y = header_h +. 28. +. (28. *. float_of_int i) in
  let at_most =
    List.filter_map
      (fun bl ->
        match
          List.rev (timed (List.filter (fun r -> r.workload = bl.name) mine))
        with
        | (r, t) :: _ -> Some (Printf.sprintf "%.2fx" (speedup baselines r t))
        | [] -> None)
      baselines
  in
  add "<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" height=\"4\" fill=\"%s\"/>\n" x
    (y -. 6.) (colour i);
  add "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\">%s%s</text>\n" (x +. 30.) y
    approach
    (if wrong then " ✗ wrong" else "");
  add "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%s</text>\n"
    (x +. 30.) (y +. 12.)
    (if at_most = [] then "failed" else String.concat " · " at_most)

let svg ~caption ~max_workers ~approaches baselines rows =
  let count = List.length baselines in
  let width = (float_of_int (columns count) *. panel_w) +. legend_w in
  (* as tall as the panels, or the legend if it is longer *)
  let height =
    Float.max
      (header_h +. (float_of_int ((count + 1) / 2) *. panel_h) +. 8.)
      (header_h +. 48.
      +. (28. *. float_of_int (List.length approaches))
      +. (14. *. float_of_int (count + 2)))
  in
  (* each panel's speedups up to its highest, and at least the ideal's *)
  let y_max workload =
    Float.max (float_of_int max_workers)
      (List.fold_left
         (fun m (r, t) -> Float.max m (speedup baselines r t))
         1.
         (timed (List.filter (fun r -> r.workload = workload) rows)))
    *. 1.1
  in
  let b = Buffer.create 16384 in
  heading b ~width ~height ~caption;
  List.iteri
    (fun p bl ->
      let f = frame ~y_max:(y_max bl.name) ~max_workers p in
      axes b f
        ~title:(Printf.sprintf "%s (sequential %.3f s)" bl.name bl.seconds);
      List.iteri (series b f baselines ~rows ~workload:bl.name) approaches)
    baselines;
  let x = (float_of_int (columns count) *. panel_w) +. 8. in
  Printf.bprintf b
    "<line class=\"ideal\" stroke-dasharray=\"6 4\" x1=\"%.1f\" y1=\"%.1f\" \
     x2=\"%.1f\" y2=\"%.1f\"/>\n"
    x (header_h +. 2.) (x +. 22.) (header_h +. 2.);
  Printf.bprintf b
    "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\">ideal (linear)</text>\n"
    (x +. 30.) (header_h +. 6.);
  List.iteri (legend b ~x baselines rows) approaches;
  (* what the legend's figures are, one line each so that it fits *)
  List.iteri
    (fun k line ->
      Printf.bprintf b
        "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%s</text>\n"
        x
        (header_h +. 36.
        +. (28. *. float_of_int (List.length approaches))
        +. (14. *. float_of_int k))
        line)
    (Printf.sprintf "the speedups at %d workers," max_workers
    :: "one per panel, in order:"
    :: List.map (fun bl -> "· " ^ bl.name) baselines);
  Buffer.add_string b "</svg>\n";
  Buffer.contents b

let usage =
  "bench [-n SIZE] [-w WORKERS] [-r REPEATS] [--workload NAME]... [--csv | \
   --markdown | --json] [--svg FILE | --no-svg]"

let refuse message =
  Printf.eprintf "bench: %s.\n%s\n" message usage;
  exit 2

(* Arg keeps the last of a flag given twice, and of two that contradict each
   other: both are refused, before anything runs *)
let check_flags argv =
  let given flag = List.length (List.filter (String.equal flag) argv) in
  List.iter
    (fun flag ->
      if given flag > 1 then refuse (flag ^ " is given more than once"))
    [ "-n"; "-w"; "-r"; "--csv"; "--markdown"; "--json"; "--svg"; "--no-svg" ];
  List.iter
    (fun (a, b) ->
      if given a > 0 && given b > 0 then
        refuse (Printf.sprintf "%s and %s contradict each other" a b))
    [
      ("--csv", "--markdown");
      ("--csv", "--json");
      ("--markdown", "--json");
      ("--svg", "--no-svg");
    ]

(* More workers than this only take longer: past the cores the speedup stops
   growing, and each count is one more round of every approach *)
let most_workers () = 4 * Domain.recommended_domain_count ()

(* The chart's file, opened before the benchmark runs: a path that cannot be
   written fails now, not after minutes of measuring *)
let open_chart file =
  try Out_channel.open_text file
  with Sys_error reason ->
    Printf.eprintf "bench: --svg %s: cannot write it: %s\n" file reason;
    exit 2

let names = List.map (fun (w : Workloads.t) -> w.name) Workloads.all

(* each --workload, once, in the order given; collatz, the starters' own, by
   default *)
let add_workload chosen = function
  | "all" -> chosen := names
  | name when List.mem name names ->
      if not (List.mem name !chosen) then chosen := !chosen @ [ name ]
  | name ->
      raise
        (Arg.Bad
           (Printf.sprintf "--workload %s: no such workload (%s, or all)" name
              (String.concat ", " names)))

(* one approach on one workload at 1..max_workers, a row for each count *)
let measure_approach ~workload ~n ~repeats ~max_workers ~expected (approach, how)
    =
  List.init max_workers (fun i -> i + 1)
  |> List.filter_map (fun workers ->
      let row outcome =
        Some { workload = workload.Workloads.name; approach; workers; outcome }
      in
      match All_approaches.run how ~workers ~workload ~n ~repeats with
      | answer, seconds -> row (Timed { seconds; correct = answer = expected })
      | exception Invalid_argument reason ->
          (* this many did not run: no row, rather than a wrong one *)
          Printf.eprintf "%s, %s: %d workers refused: %s\n%!" workload.name
            approach workers reason;
          None
      | exception (Failure reason | Sys_error reason) ->
          prerr_endline (approach ^ ": " ^ reason);
          row (Failed reason)
      | exception Unix.Unix_error (e, call, _) ->
          (* a fork or spawn refused (EAGAIN under a process limit): this
             run's row says so, and the table is still printed *)
          let reason = call ^ ": " ^ Unix.error_message e in
          prerr_endline (approach ^ ": " ^ reason);
          row (Failed reason))

let () =
  check_flags (List.tl (Array.to_list Sys.argv));
  let n = ref Workload.default_size in
  let max_workers = ref (Domain.recommended_domain_count ()) in
  let repeats = ref Workload.default_repeats in
  let chosen = ref [] in
  let format = ref `Text in
  let chart = ref (Some "speedup.svg") in
  Arg.parse
    [
      ("-n", Flag.count "-n" n, "SIZE  the size of every workload");
      ( "-w",
        Flag.count "-w" max_workers,
        Printf.sprintf
          "WORKERS  run each approach on 1..WORKERS (default %d, at most %d)"
          !max_workers (most_workers ()) );
      ( "-r",
        Flag.count "-r" repeats,
        Printf.sprintf "REPEATS  keep the fastest of REPEATS runs (default %d)"
          !repeats );
      ( "--workload",
        Arg.String (add_workload chosen),
        Printf.sprintf "NAME  run this workload (%s, or all; default collatz)"
          (String.concat ", " names) );
      ("--csv", Arg.Unit (fun () -> format := `Csv), " print CSV");
      ("--markdown", Arg.Unit (fun () -> format := `Markdown), " print Markdown");
      ( "--json",
        Arg.Unit (fun () -> format := `Json),
        " print multicore-bench's JSON (current-bench)" );
      ( "--svg",
        Arg.String
          (fun file ->
            if file = "" || file.[0] = '-' then
              raise
                (Arg.Bad (Printf.sprintf "--svg needs a file name, not %S" file));
            chart := Some file),
        "FILE  draw the speedups there (default speedup.svg)" );
      ("--no-svg", Arg.Unit (fun () -> chart := None), " draw no chart");
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    usage;
  if !max_workers > most_workers () then
    refuse
      (Printf.sprintf
         "-w %d: at most %d here (4 x the %d cores \
          Domain.recommended_domain_count () reports): more would only take \
          longer"
         !max_workers (most_workers ())
         (Domain.recommended_domain_count ()));
  let workloads =
    List.map
      (fun name -> Option.get (Workloads.find name))
      (if !chosen = [] then [ "collatz" ] else !chosen)
  in
  let chart = Option.map (fun file -> (file, open_chart file)) !chart in
  let n = !n and repeats = !repeats and max_workers = !max_workers in
  (* The sequential run of each workload, timed as the rows are: its inputs
     built, a warm-up, then the fastest of -r runs; and again before each
     approach's rows on it, once after a warm-up, the fastest of all kept. Its
     time divides every row's, so it is sampled across the whole bench as the
     rows are: a stretch in which the machine is slower (another tenant, a
     frequency change) is not charged to every speedup. Each sample builds its
     own inputs and drops them: inputs kept for the whole bench would swell
     the heap that the forked workers of parmap and parany inherit. *)
  let sequential (workload : Workloads.t) =
    let fastest = ref infinity in
    (* the warm-up's answer *)
    let sample ~runs =
      let job = workload.prepare ~n in
      let answer = Workloads.sequential job in
      let _, seconds =
        Workload.fastest runs (fun () -> Workloads.sequential job)
      in
      fastest := Float.min !fastest seconds;
      answer
    in
    let expected = sample ~runs:repeats in
    let again () =
      let answer = sample ~runs:1 in
      if answer <> expected then
        failwith
          (Printf.sprintf "%s: the sequential run answered %d, then %d"
             workload.name expected answer)
    in
    ( expected,
      again,
      fun () -> { name = workload.name; answer = expected; seconds = !fastest }
    )
  in
  let sequentials = List.map sequential workloads in
  (* each approach on every workload before the next approach: the fork-based
     ones must be done before the first domain is spawned *)
  let rows =
    List.concat_map
      (fun approach ->
        List.concat
          (List.map2
             (fun workload (expected, run_sequential, _) ->
               run_sequential ();
               measure_approach ~workload ~n ~repeats ~max_workers ~expected
                 approach)
             workloads sequentials))
      All_approaches.all
  in
  let baselines = List.map (fun (_, _, baseline) -> baseline ()) sequentials in
  let sequential_rows =
    List.map
      (fun b ->
        {
          workload = b.name;
          approach = "sequential";
          workers = 1;
          outcome = Timed { seconds = b.seconds; correct = true };
        })
      baselines
  in
  let all_rows =
    List.concat_map
      (fun b ->
        List.filter (fun r -> r.workload = b.name) (sequential_rows @ rows))
      baselines
  in
  if !format = `Text then (
    List.iter2
      (fun (w : Workloads.t) b ->
        Printf.printf "workload %s: %s; n = %d; answer %d\n" w.name w.about n
          b.answer)
      workloads baselines;
    print_endline
      "timing: each run is one call, from inputs in memory to the answer";
    List.iter
      (fun (key, how) ->
        Printf.printf "  %s: %s\n" key
          (match how with
          | All_approaches.Library (module A) -> A.name
          | Program { command; _ } ->
              "a program of its own, timed by itself: "
              ^ String.concat " " command))
      All_approaches.all);
  (match !format with
  | `Json -> print_string (json baselines rows)
  | (`Text | `Csv | `Markdown) as format -> print_rows format baselines all_rows);
  Option.iter
    (fun (file, oc) ->
      let date =
        let t = Unix.gmtime (Unix.time ()) in
        Printf.sprintf "%04d-%02d-%02d" (t.tm_year + 1900) (t.tm_mon + 1)
          t.tm_mday
      in
      let caption =
        Printf.sprintf "n = %d, fastest of %d run%s, %d cores, %s" n repeats
          (if repeats = 1 then "" else "s")
          (Domain.recommended_domain_count ())
          date
      in
      let approaches = List.map fst All_approaches.all in
      (* a full disk shows when the data is flushed, at the close *)
      (try
         output_string oc (svg ~caption ~max_workers ~approaches baselines rows);
         Out_channel.close oc
       with Sys_error reason ->
         Printf.eprintf "bench: writing the chart to %s failed: %s\n" file
           reason;
         exit 1);
      Printf.fprintf
        (if !format = `Text then stdout else stderr)
        "chart: %s\n" file)
    chart;
  if List.exists (fun r -> not (correct r)) rows then exit 1
