(** The Collatz workload in C, on system threads that release the runtime lock.
*)

type t
(** How many threads each call starts. *)

val name : string
(** How this starter runs the workload, for the report. *)

val default_workers : unit -> int
(** The cores online: one thread per core runs the C kernel. *)

val with_workers : workers:int -> (t -> 'a) -> 'a
(** [with_workers ~workers f] is [f] given [workers] threads per call. Raises
    [Invalid_argument] if [workers < 1]. *)

val sum : t -> n:int -> int
(** [sum t ~n] is [Workload.sequential n], computed by [t]'s threads, each
    calling the C kernel on the next chunk with the runtime lock released: the
    calls run in parallel. *)

val map_reduce :
  t -> work:('a -> 'b) -> combine:('c -> 'b -> 'c) -> 'c -> 'a list -> 'c
(** [map_reduce t ~work ~combine init inputs] folds [combine] over [work input]
    for every input, in order, [work] on [t]'s threads taking the inputs from a
    shared counter, [combine] here. [work] is OCaml code, so the threads take
    turns on the runtime lock: no speedup, as in the threads starter; put the
    hot loop in C to gain one. An exception in [work] is raised here. *)

val sum_holding_lock : t -> n:int -> int
(** As {!sum}, with the C kernel called with the lock held: the threads take
    turns, so it takes as long as one thread. *)

val steps : t -> n:int -> Kernel.steps
(** [steps t ~n] is a bigarray whose element [i - 1] is
    [Workload.collatz_steps i], for [i] in [1..n], written by [t]'s threads in
    C, each into its own slices, with the runtime lock released. *)
