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

val sum : connection list -> n:int -> int Deferred.t
(** [Workload.sequential n], computed by the connected workers. *)

val close : connection list -> unit Deferred.t
(** Closes the connections, which shuts the workers down. *)
