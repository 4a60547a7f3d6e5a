(** The shared CPU workload on other cores, through an [Eio.Executor_pool]. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** [Domain.recommended_domain_count () - 1], at least 1: the pool's domains
    beside the one that runs the event loop, one per core. *)

val jobs : n:int -> (int * int) list
(** The ranges [(lo, hi)] {!sum} submits as jobs: 16 per core, to balance the
    load. *)

val sum : Eio.Executor_pool.t -> n:int -> int
(** [sum pool ~n] is [Workload.sequential n], computed as many jobs on [pool]'s
    domains. The calling fiber waits for them; the other fibers of its domain
    keep running meanwhile. *)

val map_reduce :
  Eio.Executor_pool.t ->
  work:('a -> 'b) ->
  combine:('c -> 'b -> 'c) ->
  'c ->
  'a list ->
  'c
(** [map_reduce pool ~work ~combine init inputs] folds [combine] over
    [work input] for every input, in order: each input is one job on [pool]'s
    domains (shared memory, nothing copied); [combine] runs in the calling
    fiber. An exception in [work] is raised here. *)
