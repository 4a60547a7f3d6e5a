(* Parallelism by processes over a stream: Parany forks [workers] children
   and connects three functions. [demux] produces the next piece of work
   (here, the next chunk of 1..n) and raises [Parany.End_of_input] when there
   is none left; [work] runs in the children, several at once; [mux] runs in
   this process and consumes each result as it arrives. Nothing is shared:
   inputs and results are marshalled between processes, so the stream can be
   longer than memory (lines of a file, records of a database). *)

let name = "Parany.run, forked processes over a stream"
let default_workers () = Cpu.numcores ()

let sum ~workers ~n =
  if workers < 1 then invalid_arg "Parallel.sum: workers must be >= 1";
  let pending = ref (Workload.chunks ~n ~count:(workers * 16)) in
  let demux () =
    match !pending with
    | [] -> raise Parany.End_of_input
    | chunk :: rest ->
        pending := rest;
        chunk
  in
  let total = ref 0 in
  (* Parany asserts that it is not asked for more processes than cores *)
  Parany.run
    (min workers (Cpu.numcores ()))
    ~demux
    ~work:(fun (lo, hi) -> Workload.sum_range ~lo ~hi)
    ~mux:(fun part -> total := !total + part);
  !total
