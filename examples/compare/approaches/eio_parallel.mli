(** The shared CPU workload on other cores, through Eio's domain manager. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** [Domain.recommended_domain_count ()]: one domain per core. *)

val sum : domain_mgr:_ Eio.Domain_manager.t -> workers:int -> n:int -> int
(** [sum ~domain_mgr ~workers ~n] is [Workload.sequential n], computed on
    [workers] new domains. Raises [Invalid_argument] if [workers < 1]. *)
