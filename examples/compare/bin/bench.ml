(* Runs every approach of this project on the shared workload at 1..N
   workers and prints, for each, the time, the speedup over the sequential
   run and the efficiency (speedup per worker), checking every answer; and
   draws the speedups as an SVG chart. *)

open Compare_starter

type outcome =
  | Timed of { seconds : float; correct : bool }
  | Failed of string  (** why the run did not finish *)

type row = { approach : string; workers : int; outcome : outcome }

let correct r = match r.outcome with Timed t -> t.correct | Failed _ -> false

(* the rows that have a time, with it *)
let timed rows =
  List.filter_map
    (fun r ->
      match r.outcome with Timed t -> Some (r, t.seconds) | Failed _ -> None)
    rows

let speedup ~sequential seconds = sequential /. seconds

let efficiency ~sequential r seconds =
  100. *. speedup ~sequential seconds /. float_of_int r.workers

let yes r = if correct r then "yes" else "NO"

(* a failed run's row says so where its figures would be *)
let print_rows format ~sequential rows =
  let figures r =
    match r.outcome with
    | Failed _ -> None
    | Timed { seconds; _ } ->
        Some
          ( seconds,
            speedup ~sequential seconds,
            efficiency ~sequential r seconds )
  in
  match format with
  | `Csv ->
      print_endline "approach,workers,seconds,speedup,efficiency,correct";
      List.iter
        (fun r ->
          match figures r with
          | Some (t, s, e) ->
              Printf.printf "%s,%d,%.4f,%.3f,%.1f,%s\n" r.approach r.workers t s
                e (yes r)
          | None -> Printf.printf "%s,%d,failed,,,NO\n" r.approach r.workers)
        rows
  | `Markdown ->
      print_endline
        "| approach | workers | time (s) | speedup | efficiency | correct |";
      print_endline "|---|---:|---:|---:|---:|---|";
      List.iter
        (fun r ->
          match figures r with
          | Some (t, s, e) ->
              Printf.printf "| %s | %d | %.3f | %.2fx | %.0f%% | %s |\n"
                r.approach r.workers t s e (yes r)
          | None ->
              Printf.printf "| %s | %d | failed | | | NO |\n" r.approach
                r.workers)
        rows
  | `Text ->
      Printf.printf "%-12s %7s %9s %8s %11s  %s\n" "approach" "workers"
        "time (s)" "speedup" "efficiency" "correct";
      List.iter
        (fun r ->
          match figures r with
          | Some (t, s, e) ->
              Printf.printf "%-12s %7d %9.3f %7.2fx %10.0f%%  %s\n" r.approach
                r.workers t s e (yes r)
          | None ->
              Printf.printf "%-12s %7d %9s %8s %11s  NO\n" r.approach r.workers
                "failed" "" "")
        rows

(* The chart: speedup against workers, one line per approach and the ideal
   (linear) one, plain SVG that reads in a browser and in GitHub's README view,
   light or dark. A point's tooltip gives its time, speedup and efficiency; a
   wrong answer is drawn as a cross. *)

(* where the plot goes in the picture, and its scales *)
type frame = {
  width : float;
  height : float;
  left : float;
  top : float;
  plot_w : float;
  plot_h : float;
  max_workers : int;
  y_max : float;
}

let frame ~sequential ~max_workers rows =
  let width = 760. and height = 460. in
  let left = 70. and right = 230. and top = 56. and bottom = 64. in
  let speedups = List.map (fun (_, t) -> speedup ~sequential t) (timed rows) in
  {
    width;
    height;
    left;
    top;
    plot_w = width -. left -. right;
    plot_h = height -. top -. bottom;
    max_workers;
    y_max =
      Float.max (float_of_int max_workers)
        (List.fold_left Float.max 1. speedups)
      *. 1.1;
  }

let x_of f w =
  if f.max_workers = 1 then f.left +. (f.plot_w /. 2.)
  else
    f.left
    +. (f.plot_w *. float_of_int (w - 1) /. float_of_int (f.max_workers - 1))

let y_of f s = f.top +. f.plot_h -. (f.plot_h *. s /. f.y_max)

(* the legend's column, right of the plot *)
let legend_x f = f.left +. f.plot_w +. 24.

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
  |]

let colour i = palette.(i mod Array.length palette)

(* the opening tag, the light and dark styles, the title and the caption *)
let heading b f ~caption =
  let { width; height; left; _ } = f in
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
    "<text class=\"ink\" x=\"%.0f\" y=\"24\" font-size=\"16\" \
     font-weight=\"600\">Speedup against workers</text>\n"
    left;
  add "<text class=\"ink\" x=\"%.0f\" y=\"42\" font-size=\"12\">%s</text>\n"
    left caption

(* the grid, the ticks, the axes and their titles, and the ideal line *)
let axes b f =
  let { height; left; top; plot_w; plot_h; max_workers; y_max; _ } = f in
  let x = x_of f and y = y_of f in
  let add fmt = Printf.bprintf b fmt in
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
  let x_step = max 1 (max_workers / 12) in
  for w = 1 to max_workers do
    if (w - 1) mod x_step = 0 || w = max_workers then
      add
        "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\" \
         text-anchor=\"middle\">%d</text>\n"
        (x w)
        (top +. plot_h +. 20.)
        w
  done;
  add "<line class=\"line\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n"
    left (top +. plot_h) (left +. plot_w) (top +. plot_h);
  add "<line class=\"line\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n"
    left top left (top +. plot_h);
  add
    "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">workers \
     (domains, processes or ranks)</text>\n"
    (left +. (plot_w /. 2.))
    (height -. 18.);
  add
    "<text class=\"ink\" transform=\"translate(18 %.1f) rotate(-90)\" \
     text-anchor=\"middle\">speedup (sequential time / time)</text>\n"
    (top +. (plot_h /. 2.));
  (* the ideal: n workers, n times faster *)
  add
    "<line class=\"ideal\" stroke-dasharray=\"6 4\" x1=\"%.1f\" y1=\"%.1f\" \
     x2=\"%.1f\" y2=\"%.1f\"><title>ideal: linear speedup</title></line>\n"
    (x 1) (y 1.) (x max_workers)
    (y (float_of_int max_workers));
  let legend_x = legend_x f in
  add
    "<line class=\"ideal\" stroke-dasharray=\"6 4\" x1=\"%.1f\" y1=\"%.1f\" \
     x2=\"%.1f\" y2=\"%.1f\"/>\n"
    legend_x (top +. 6.) (legend_x +. 22.) (top +. 6.);
  add "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\">ideal (linear)</text>\n"
    (legend_x +. 30.) (top +. 10.)

(* one approach: its line, its points (a cross for a wrong answer, a tooltip
   each) and its legend entry, the [i]th *)
let series b f ~sequential ~rows i approach =
  let { top; _ } = f in
  let legend_x = legend_x f in
  let x = x_of f and y = y_of f in
  let add fmt = Printf.bprintf b fmt in
  let mine = List.filter (fun r -> r.approach = approach) rows in
  let drawn = timed mine in
  let points =
    String.concat " "
      (List.map
         (fun (r, t) ->
           Printf.sprintf "%.1f,%.1f" (x r.workers) (y (speedup ~sequential t)))
         drawn)
  in
  add "<g class=\"series\" data-approach=\"%s\">\n" approach;
  add
    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" points=\"%s\"/>\n"
    (colour i) points;
  List.iter
    (fun (r, t) ->
      let px = x r.workers and py = y (speedup ~sequential t) in
      let tip =
        Printf.sprintf
          "%s, %d worker%s: %.3f s, speedup %.2fx, efficiency %.0f%%%s" approach
          r.workers
          (if r.workers = 1 then "" else "s")
          t (speedup ~sequential t)
          (efficiency ~sequential r t)
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
  add "</g>\n";
  (* the legend: the speedup and efficiency at the most workers *)
  let ly = top +. 34. +. (32. *. float_of_int i) in
  let last = List.nth_opt (List.rev drawn) 0 in
  let wrong = List.exists (fun r -> not (correct r)) mine in
  let summary =
    match last with
    | None -> "failed"
    | Some (r, t) ->
        Printf.sprintf "%.2fx at %d, %.0f%%" (speedup ~sequential t) r.workers
          (efficiency ~sequential r t)
  in
  add "<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" height=\"4\" fill=\"%s\"/>\n"
    legend_x (ly -. 6.) (colour i);
  add "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\">%s%s</text>\n"
    (legend_x +. 30.) ly approach
    (if wrong then " ✗ wrong" else "");
  add "<text class=\"ink\" x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%s</text>\n"
    (legend_x +. 30.) (ly +. 12.) summary

let svg ~caption ~sequential ~max_workers rows =
  (* in the order they ran *)
  let approaches =
    List.fold_left
      (fun seen r ->
        if List.mem r.approach seen then seen else seen @ [ r.approach ])
      [] rows
  in
  let f = frame ~sequential ~max_workers rows in
  let b = Buffer.create 8192 in
  heading b f ~caption;
  axes b f;
  List.iteri (series b f ~sequential ~rows) approaches;
  Buffer.add_string b "</svg>\n";
  Buffer.contents b

let usage =
  "bench [-n SIZE] [-w WORKERS] [-r REPEATS] [--csv | --markdown] [--svg FILE \
   | --no-svg]"

(* Arg keeps the last of a flag given twice, and of two that contradict each
   other: both are refused, before anything runs *)
let check_flags argv =
  let given flag = List.length (List.filter (String.equal flag) argv) in
  let refuse message =
    Printf.eprintf "bench: %s.\n%s\n" message usage;
    exit 2
  in
  List.iter
    (fun flag ->
      if given flag > 1 then refuse (flag ^ " is given more than once"))
    [ "-n"; "-w"; "-r"; "--csv"; "--markdown"; "--svg"; "--no-svg" ];
  List.iter
    (fun (a, b) ->
      if given a > 0 && given b > 0 then
        refuse (Printf.sprintf "%s and %s contradict each other" a b))
    [ ("--csv", "--markdown"); ("--svg", "--no-svg") ]

(* The chart's file, opened before the benchmark runs: a path that cannot be
   written fails now, not after minutes of measuring *)
let open_chart file =
  try Out_channel.open_text file
  with Sys_error reason ->
    Printf.eprintf "bench: --svg %s: cannot write it: %s\n" file reason;
    exit 2

let () =
  check_flags (List.tl (Array.to_list Sys.argv));
  let n = ref Workload.default_size in
  let max_workers = ref (Domain.recommended_domain_count ()) in
  let repeats = ref Workload.default_repeats in
  let format = ref `Text in
  let chart = ref (Some "speedup.svg") in
  Arg.parse
    [
      ("-n", Flag.count "-n" n, "SIZE  sum Collatz steps over 1..SIZE");
      ( "-w",
        Flag.count "-w" max_workers,
        Printf.sprintf "WORKERS  run each approach on 1..WORKERS (default %d)"
          !max_workers );
      ( "-r",
        Flag.count "-r" repeats,
        Printf.sprintf "REPEATS  keep the fastest of REPEATS runs (default %d)"
          !repeats );
      ("--csv", Arg.Unit (fun () -> format := `Csv), " print CSV");
      ("--markdown", Arg.Unit (fun () -> format := `Markdown), " print Markdown");
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
  let chart = Option.map (fun file -> (file, open_chart file)) !chart in
  let expected, sequential =
    (* timed as the approaches are: a warm-up, then the fastest of -r runs *)
    ignore (Workload.sequential !n);
    Workload.fastest !repeats (fun () -> Workload.sequential !n)
  in
  let baseline =
    {
      approach = "sequential";
      workers = 1;
      outcome = Timed { seconds = sequential; correct = true };
    }
  in
  let rows =
    List.concat_map
      (fun (approach, how) ->
        List.init !max_workers (fun i -> i + 1)
        |> List.filter_map (fun workers ->
            match All_approaches.run how ~workers ~n:!n ~repeats:!repeats with
            | answer, seconds ->
                Some
                  {
                    approach;
                    workers;
                    outcome = Timed { seconds; correct = answer = expected };
                  }
            | exception Invalid_argument reason ->
                (* this many did not run: no row, rather than a wrong one *)
                Printf.eprintf "%s: %d workers refused: %s\n%!" approach workers
                  reason;
                None
            | exception (Failure reason | Sys_error reason) ->
                prerr_endline (approach ^ ": " ^ reason);
                Some { approach; workers; outcome = Failed reason }
            | exception Unix.Unix_error (e, call, _) ->
                (* a fork or spawn refused (EAGAIN under a process limit):
                   this run's row says so, and the table is still printed *)
                let reason = call ^ ": " ^ Unix.error_message e in
                prerr_endline (approach ^ ": " ^ reason);
                Some { approach; workers; outcome = Failed reason }))
      All_approaches.all
  in
  if !format = `Text then (
    Printf.printf "workload: Collatz steps of 1..%d = %d\n" !n expected;
    List.iter
      (fun (key, how) ->
        Printf.printf "  %s: %s\n" key
          (match how with
          | All_approaches.Library (module A) -> A.name
          | Program { command; _ } ->
              "a program of its own, timed by itself: "
              ^ String.concat " " command))
      All_approaches.all);
  print_rows !format ~sequential (baseline :: rows);
  Option.iter
    (fun (file, oc) ->
      let date =
        let t = Unix.gmtime (Unix.time ()) in
        Printf.sprintf "%04d-%02d-%02d" (t.tm_year + 1900) (t.tm_mon + 1)
          t.tm_mday
      in
      let caption =
        Printf.sprintf
          "Collatz steps of 1..%d, fastest of %d run%s, %d cores, %s" !n
          !repeats
          (if !repeats = 1 then "" else "s")
          (Domain.recommended_domain_count ())
          date
      in
      (* a full disk shows when the data is flushed, at the close *)
      (try
         output_string oc
           (svg ~caption ~sequential ~max_workers:!max_workers rows);
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
