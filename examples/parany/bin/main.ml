(* Runs the shared workload sequentially, then in parallel, and compares. *)

open Parany_starter

let () =
  let n = ref Workload.default_size in
  let workers = ref (Parallel.default_workers ()) in
  let usage = "main [-n SIZE] [-w WORKERS]" in
  Arg.parse
    [
      ("-n", Arg.Set_int n, "SIZE  sum Collatz steps over 1..SIZE");
      ( "-w",
        Arg.Set_int workers,
        Printf.sprintf "WORKERS  parallel workers (default %d)" !workers );
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    usage;
  if !n < 1 || !workers < 1 then (
    prerr_endline "SIZE and WORKERS must be at least 1";
    exit 2);
  let sequential = Workload.time (fun () -> Workload.sequential !n) in
  let parallel =
    Workload.time (fun () -> Parallel.sum ~workers:!workers ~n:!n)
  in
  let agree =
    Workload.report ~name:Parallel.name ~workers:!workers ~n:!n ~sequential
      ~parallel
  in
  if not agree then exit 1
