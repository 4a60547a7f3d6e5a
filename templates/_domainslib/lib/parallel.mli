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

val map_reduce :
  t -> work:('a -> 'b) -> combine:('c -> 'b -> 'c) -> 'c -> 'a list -> 'c
(** [map_reduce t ~work ~combine init inputs] folds [combine] over [work input]
    for every input, in order: [Task.parallel_for] runs [work] on [t]'s domains
    in stolen batches of inputs, sharing them and their results (nothing is
    copied); [combine] runs here. *)
