(** The Collatz workload on systhreads: correct, and no faster. *)

val name : string
(** How this starter runs the workload, for the report. *)

val default_workers : unit -> int
(** 4: threads are not tied to cores. *)

val sum : workers:int -> n:int -> int
(** [sum ~workers ~n] is [Workload.sequential n], computed by [workers] threads
    taking chunks from a shared counter. They take turns on the runtime lock, so
    it takes about as long as [Workload.sequential n]. Raises [Invalid_argument]
    if [workers < 1]. *)
