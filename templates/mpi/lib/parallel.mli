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

val map_reduce :
  work:('a -> 'b) -> combine:('c -> 'b -> 'c) -> 'c -> 'a list -> 'c
(** [map_reduce ~work ~combine init inputs] folds [combine] over [work input]
    for every input of rank 0's [inputs] (the other ranks' are ignored): rank 0
    sends each rank its share, every rank computes [work] on it, and the results
    come back to rank 0, which combines them and gets the answer ([init] on the
    other ranks). Every rank must call it, with the same [work]. *)

val placement : unit -> string
(** How many ranks run on each host, e.g. ["node1: 2, node2: 2"], at rank 0 (the
    empty string on the others). Every rank must call it. *)
