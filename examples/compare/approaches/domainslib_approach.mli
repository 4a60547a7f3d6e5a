(** The Collatz workload on a domainslib [Task] pool. *)

type t
(** A running pool. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** [Domain.recommended_domain_count ()]: one domain per core. *)

val with_workers : workers:int -> (t -> 'a) -> 'a
(** [with_workers ~workers f] sets up one pool of [workers] domains (the calling
    one included: [Task.setup_pool ~num_domains:(workers - 1)]), gives it to
    [f], and tears it down when [f] returns or raises. Raises [Invalid_argument]
    if [workers < 1]. *)

val sum : t -> n:int -> int
(** [sum t ~n] is [Workload.sequential n], computed with
    [Task.parallel_for_reduce] on [t]'s pool. *)

val fork_join_sum : t -> n:int -> int
(** The same answer by recursive fork-join: [Task.async] one half of the chunks,
    compute the other, [Task.await] the first. *)
