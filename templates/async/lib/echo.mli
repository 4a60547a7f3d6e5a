(** A TCP echo server on the loopback interface and concurrent clients, with
    Async. *)

open! Core
open Async

val serve : unit -> (Tcp.Server.inet * int) Deferred.t
(** Starts the server on 127.0.0.1 on a port the system picks; determined with
    the server and its port once it listens. Stop it with [Tcp.Server.close]. *)

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
