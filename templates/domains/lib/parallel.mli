(** The Collatz workload on OCaml 5 domains (stdlib only). *)

type t
(** How many domains each {!sum} runs on. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** [Domain.recommended_domain_count ()]: one domain per core. *)

val with_workers : workers:int -> (t -> 'a) -> 'a
(** [with_workers ~workers f] is [f] given [workers] domains (the calling one
    included). More domains than [default_workers ()] run, but take turns on the
    cores. Raises [Invalid_argument] if [workers < 1]. *)

val sum : t -> n:int -> int
(** [sum t ~n] is [Workload.sequential n], computed by [t]'s domains: it spawns
    the other ones and joins them before it returns. *)

val map_reduce :
  t -> work:('a -> 'b) -> combine:('c -> 'b -> 'c) -> 'c -> 'a list -> 'c
(** [map_reduce t ~work ~combine init inputs] folds [combine] over [work input]
    for every input, in order: [t]'s domains take the inputs one at a time and
    share them and their results (nothing is copied); [combine] runs here. An
    exception in [work] is raised here after every domain has stopped. *)
