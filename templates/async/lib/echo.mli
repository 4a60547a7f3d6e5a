(** A TCP echo server on the loopback interface and concurrent clients, with
    Async. *)

open! Core
open Async

val max_line : int
(** The longest line the server reads (64 KiB): a client sending a longer one is
    cut off. *)

type server

val serve : ?port:int -> unit -> server Deferred.t
(** Starts the server on 127.0.0.1:[port] (by default a port the system picks)
    and is determined once it listens. Each client's failure (a write to a
    client that has left, a line longer than {!max_line}, a reset, an error of
    its writer) is logged as one line on stderr and ends that client's
    connection only. *)

val port : server -> int
(** The port the server listens on. *)

val shutdown : server -> unit Deferred.t
(** Closes the listening socket and every open connection, without waiting for a
    client that does not read. *)

val client : port:int -> id:int -> messages:int -> int Deferred.t
(** Connects, sends [messages] lines one by one, and is determined with how many
    came back unchanged. *)

val run_clients : port:int -> clients:int -> messages:int -> int Deferred.t
(** Runs [clients] clients concurrently; the total of correct echoes. *)

val request_with_timeout :
  port:int ->
  timeout:Time_float.Span.t ->
  [ `Answered of string option | `Timed_out ] Deferred.t
(** Sends a request the server answers only after 10 s, waiting at most
    [timeout]. *)
