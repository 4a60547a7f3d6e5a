(** The Collatz workload on forked processes with Parany. *)

type t
(** How many processes each {!sum} forks. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** [Cpu.numcores ()]: the number of cores online. *)

val with_workers : workers:int -> (t -> 'a) -> 'a
(** [with_workers ~workers f] is [f] given [workers] processes per call. Raises
    [Invalid_argument] if [workers < 1] or [workers > Cpu.numcores ()]: Parany
    refuses more processes than cores. *)

val map_reduce :
  t -> work:('a -> 'b) -> combine:('c -> 'b -> 'c) -> 'c -> 'a list -> 'c
(** [map_reduce t ~work ~combine init inputs] folds [combine] over [work input]
    for every input, [work] running in the worker processes and the results
    combined here in the order they arrive. It waits for the processes it forked
    before it returns (Parany does not). Raises [Failure] with the reason if
    [work] raised (in a worker, where it is caught and sent back), if a result
    is missing, or if a process failed. It waits for any child process to exit,
    so do not call it while other children of the program may exit. *)

val sum : t -> n:int -> int
(** [sum t ~n] is [Workload.sequential n], computed by [map_reduce] over a
    stream of chunks. *)
