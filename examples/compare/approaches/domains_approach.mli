(** The Collatz workload on OCaml 5 domains (stdlib only). *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** [Domain.recommended_domain_count ()]: one domain per core. *)

val sum : workers:int -> n:int -> int
(** [sum ~workers ~n] is [Workload.sequential n], computed by [workers] domains
    (the calling one included). Raises [Invalid_argument] if [workers < 1]. *)
