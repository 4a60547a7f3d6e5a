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

val map_reduce :
  t -> work:('a -> 'b) -> combine:('c -> 'b -> 'c) -> 'c -> 'a list -> 'c
(** [map_reduce t ~work ~combine init inputs] folds [combine] over [work input]
    for every input, in order, [work] on [t]'s threads taking the inputs from a
    shared counter (one at a time on the runtime lock), [combine] here. An
    exception in [work] is raised here. *)
