(** The Collatz workload on forked processes with Parmap. *)

type t
(** How many processes each call forks. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** [Parmap.get_default_ncores ()]: the number of cores. *)

val with_workers : workers:int -> (t -> 'a) -> 'a
(** [with_workers ~workers f] is [f] given [workers] processes per call (forked
    by each call and waited for before it returns). Raises [Invalid_argument] if
    [workers < 1]. *)

val sum : t -> n:int -> int
(** [sum t ~n] is [Workload.sequential n], computed by [t]'s processes. *)

val map_results : t -> ('a -> 'b) -> 'a list -> ('b, string) result list
(** [map_results t f inputs] maps [f] over [inputs] in [t]'s processes, in
    order: [Ok (f input)], or [Error] with the exception [f] raised, printed.
    The exception is caught in the worker and comes back as a value, because one
    that escapes the function given to Parmap ends the whole program with
    [exit 1]. *)

val map_reduce :
  t -> work:('a -> 'b) -> combine:('c -> 'b -> 'c) -> 'c -> 'a list -> 'c
(** [map_reduce t ~work ~combine init inputs] folds [combine] over [work input]
    for every input, in order: [work] runs in [t]'s processes, one input at a
    time, and each result is marshalled back to be combined here. Like {!sum},
    an exception in [work] ends the program ([map_results] returns it). *)
