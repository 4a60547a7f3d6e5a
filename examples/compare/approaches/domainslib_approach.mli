(** The Collatz workload on a domainslib [Task] pool. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** [Domain.recommended_domain_count ()]: one domain per core. *)

val sum : workers:int -> n:int -> int
(** [sum ~workers ~n] is [Workload.sequential n], computed by a pool of
    [workers] domains (the calling one included), torn down afterwards. Raises
    [Invalid_argument] if [workers < 1]. *)
