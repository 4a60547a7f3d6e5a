(** The Collatz workload on worker processes spawned with Rpc_parallel. *)

open! Core
open Async

type connection
(** A connection to one worker process. *)

val name : string
(** How this starter runs in parallel, for the report. *)

val default_workers : unit -> int
(** One worker per core. *)

val spawn : workers:int -> connection list Deferred.t
(** Starts [workers] worker processes on this machine and connects to them. *)

val sum : connection list -> n:int -> int Deferred.t
(** [Workload.sequential n], computed by the connected workers. *)

val close : connection list -> unit Deferred.t
(** Closes the connections, which shuts the workers down. *)
