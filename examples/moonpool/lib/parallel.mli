(** The Collatz workload on one moonpool [Ws_pool]. *)

type t
(** A running pool. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** [Moonpool.recommended_thread_count ()]: one worker thread per core
    ([Domain.recommended_domain_count ()]). *)

val with_workers : workers:int -> (t -> 'a) -> 'a
(** [with_workers ~workers f] makes one work-stealing pool of [workers] threads
    ([Ws_pool.with_ ~num_threads:workers]: the degree of parallelism, the
    calling thread not included), gives it to [f], and shuts it down when [f]
    returns or raises. Raises [Invalid_argument] if [workers < 1]. *)

val sum : t -> n:int -> int
(** [sum t ~n] is [Workload.sequential n], computed with one future per chunk
    ([Fut.spawn], [Fut.join_array]) on [t]'s pool. *)

val fork_join_sum : t -> n:int -> int
(** The same answer by recursive fork-join: [Moonpool_forkjoin.both] on the two
    halves of the chunks, inside a task of the pool. *)
