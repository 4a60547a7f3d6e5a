(* Parallelism by processes over a stream: Parany forks [workers] children
   and connects three functions. [demux] produces the next piece of work
   (here, the next chunk of 1..n) and raises [Parany.End_of_input] when there
   is none left; [work] runs in the children, several at once; [mux] runs in
   this process and consumes each result as it arrives. Nothing is shared:
   inputs and results are marshalled between processes, so the stream can be
   longer than memory (lines of a file, records of a database).

   Two things Parany leaves to its caller. An exception that escapes [work]
   ends that worker: [Parany.run] returns normally without its result, and the
   exception unwinds into the worker's copy of the rest of the program, which
   runs on in the child. And it never waits for the processes it forks (a
   feeder and the workers), which stay zombies until the program ends.
   [map_reduce] returns [work]'s exceptions as values and raises them here,
   counts the results, and reaps the processes. *)

type t = { workers : int }

let name = "Parany.run, forked processes over a stream"
let default_workers () = Cpu.numcores ()

let with_workers ~workers f =
  Workload.check_workers workers;
  (* Parany.run asserts it: it runs at most one process per core *)
  if workers > Cpu.numcores () then
    invalid_arg
      (Printf.sprintf
         "with_workers: Parany runs at most Cpu.numcores () = %d workers, not \
          %d"
         (Cpu.numcores ()) workers);
  f { workers }

let status = function
  | Unix.WEXITED 0 -> None
  | Unix.WEXITED code -> Some (Printf.sprintf "exited with code %d" code)
  | Unix.WSIGNALED signal ->
      Some (Printf.sprintf "was killed by signal %d" signal)
  | Unix.WSTOPPED signal ->
      Some (Printf.sprintf "was stopped by signal %d" signal)

(* Parany.run forks a feeder and [workers] workers (none for 1 worker: it then
   runs in this process); by the time it returns, they have all exited. *)
let reap workers =
  let children = if workers <= 1 then 0 else workers + 1 in
  List.init children (fun _ -> snd (Unix.waitpid [] (-1)))
  |> List.filter_map status

let map_reduce { workers } ~work ~combine init inputs =
  let pending = ref inputs in
  let demux () =
    match !pending with
    | [] -> raise Parany.End_of_input
    | input :: rest ->
        pending := rest;
        input
  in
  (* an exception must not escape [work]: it would unwind into the worker's
     copy of the rest of this program *)
  let work input =
    match work input with
    | output -> Ok output
    | exception e -> Error (Printexc.to_string e)
  in
  let result = ref init and received = ref 0 and errors = ref [] in
  let mux = function
    | Ok output ->
        incr received;
        result := combine !result output
    | Error e -> errors := e :: !errors
  in
  Parany.run workers ~demux ~work ~mux;
  let failures = reap workers in
  (match List.rev !errors with
  | [] -> ()
  | first :: _ as all ->
      failwith
        (Printf.sprintf "%d of %d inputs raised in the workers, the first: %s"
           (List.length all) (List.length inputs) first));
  let expected = List.length inputs in
  if !received <> expected || failures <> [] then
    failwith
      (Printf.sprintf "Parany.run returned %d of %d results (%s)" !received
         expected
         (if failures = [] then "every process exited with code 0"
          else "a process " ^ String.concat ", one " failures));
  !result

let sum t ~n =
  map_reduce t
    ~work:(fun (lo, hi) -> Workload.sum_range ~lo ~hi)
    ~combine:( + ) 0
    (Workload.chunks ~n ~count:(t.workers * 16))
