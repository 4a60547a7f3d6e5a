(** The Collatz workload on forked processes with Parmap. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** [Parmap.get_default_ncores ()]: the number of cores. *)

val sum : workers:int -> n:int -> int
(** [sum ~workers ~n] is [Workload.sequential n], computed by [workers] forked
    processes. Raises [Invalid_argument] if [workers < 1]. *)
