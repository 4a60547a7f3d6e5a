(** The Collatz workload on MPI ranks. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val rank : unit -> int
(** This process's rank in [Mpi.comm_world], from 0. *)

val size : unit -> int
(** How many ranks [mpirun] started. *)

val partial : n:int -> rank:int -> size:int -> int
(** The share of [Workload.sequential n] that rank [rank] of [size] computes:
    the shares of the ranks [0 .. size - 1] add up to the whole. *)

val sum : n:int -> int
(** [Workload.sequential n], computed by all ranks together; every rank must
    call it (a collective operation), and every rank gets the total. *)

val placement : unit -> string
(** How many ranks run on each host, e.g. ["node1: 2, node2: 2"], at rank 0 (the
    empty string on the others). Every rank must call it. *)
