(** The Collatz workload on worker processes spawned with Rpc_parallel. *)

open! Core
open Async

type connection
(** A connection to one worker process. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** One worker per core. *)

val spawn :
  ?hosts:string list -> workers:int -> unit -> connection list Deferred.t
(** Starts [workers] worker processes, spread round-robin over [hosts] (default
    [["local"]]: this machine; another host is reached with ssh), and connects
    to them. *)

val hosts : connection list -> string list Deferred.t
(** The hostname each worker reports. *)

val sum : ?chunks_per_worker:int -> connection list -> n:int -> int Deferred.t
(** [Workload.sequential n], computed by the connected workers: the master cuts
    [1..n] into [chunks_per_worker] (default 16) chunks per worker, and hands
    each worker the next one as soon as it is done with the last. A worker
    computes a chunk on a thread of its own ([In_thread.run]), so that it keeps
    answering the connection's heartbeats however long the chunk. *)

val close : connection list -> unit Deferred.t
(** Closes the connections, which shuts the workers down. *)
