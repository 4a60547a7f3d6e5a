(** The Collatz workload on forked processes with Parany. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** [Cpu.numcores ()]: the number of cores online. *)

val sum : workers:int -> n:int -> int
(** [sum ~workers ~n] is [Workload.sequential n], computed by [workers] forked
    processes fed a stream of chunks ([Cpu.numcores ()] at most: Parany refuses
    more). Raises [Invalid_argument] if [workers < 1]. *)
