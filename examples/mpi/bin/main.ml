(* Run with [mpirun -np N ./_build/default/bin/main.exe]: every rank runs this
   program. Rank 0 times the sequential answer and the parallel one in turn;
   for each parallel run it tells the other ranks to start, and all ranks
   compute it together, then rank 0 reports. *)

open Mpi_starter

let comm = Mpi.comm_world
let start_tag = 0

(* Rank 0's word to the others: 1 before each parallel run, 0 when done. *)
let tell_others word =
  for rank = 1 to Parallel.size () - 1 do
    Mpi.send_int word rank start_tag comm
  done

(* The other ranks wait for the word without using a core: Open MPI's blocking
   receive and its collectives poll the network in a loop, which would slow
   rank 0's sequential runs down and inflate the baseline. Polling every
   millisecond costs at most that much per parallel run. *)
let rec word_from_rank_0 () =
  match Mpi.iprobe 0 start_tag comm with
  | Some _ -> Mpi.receive_int 0 start_tag comm
  | None ->
      Unix.sleepf 0.001;
      word_from_rank_0 ()

let rec follow ~n =
  if word_from_rank_0 () = 1 then (
    ignore (Parallel.sum ~n : int);
    follow ~n)

(* at rank 0: one parallel run, timed from its start to the total's arrival,
   that is, the slowest rank's *)
let parallel ~n () =
  tell_others 1;
  Parallel.sum ~n

let () =
  let n = ref Workload.default_size
  and repeats = ref Workload.default_repeats
  and csv = ref false in
  Arg.parse
    [
      ("-n", Flag.count "-n" n, "SIZE  sum Collatz steps over 1..SIZE");
      ( "-r",
        Flag.count "-r" repeats,
        Printf.sprintf "REPEATS  keep the fastest of REPEATS runs (default %d)"
          !repeats );
      ( "-csv",
        Arg.Set csv,
        " print only RANKS,ANSWER,SECONDS of the parallel run (for the compare \
         template's bench)" );
    ]
    (fun arg -> raise (Arg.Bad ("unexpected argument " ^ arg)))
    "mpirun -np RANKS main.exe [-n SIZE] [-r REPEATS] [-csv]";
  let rank = Parallel.rank () and size = Parallel.size () in
  (if not !csv then
     let placement = Parallel.placement () in
     if rank = 0 then Printf.printf "%d ranks on %s\n%!" size placement);
  if rank <> 0 then follow ~n:!n
  else if !csv then (
    (* a warm-up, then the fastest of the runs *)
    ignore (parallel ~n:!n () : int);
    let total, seconds =
      Workload.fastest ~now:Mpi.wtime !repeats (parallel ~n:!n)
    in
    tell_others 0;
    Printf.printf "%d,%d,%.6f\n" size total seconds)
  else
    let sequential, parallel =
      Workload.measure ~now:Mpi.wtime ~repeats:!repeats
        ~sequential:(fun () -> Workload.sequential !n)
        ~parallel:(parallel ~n:!n) ()
    in
    tell_others 0;
    if
      not
        (Workload.report ~name:Parallel.name ~workers:size ~n:!n
           ~repeats:!repeats ~sequential ~parallel)
    then exit 1
