(** The Collatz workload on systhreads: correct, and no faster. *)

type t
(** How many threads each {!sum} starts. *)

val name : string
(** How this starter runs the workload, for the report. *)

val default_workers : unit -> int
(** 4: threads are not tied to cores. *)

val with_workers : workers:int -> (t -> 'a) -> 'a
(** [with_workers ~workers f] is [f] given [workers] threads per call. Raises
    [Invalid_argument] if [workers < 1]. *)

val sum : t -> n:int -> int
(** [sum t ~n] is [Workload.sequential n], computed by [t]'s threads taking
    chunks from a shared counter, started and joined by the call. They take
    turns on the runtime lock, so it takes about as long as
    [Workload.sequential n]. *)
