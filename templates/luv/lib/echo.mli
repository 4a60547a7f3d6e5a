(** A TCP echo server on the loopback interface and concurrent clients, with Luv
    (libuv). Every function returns at once; results arrive through the callback
    [k] while [Luv.Loop.run ()] runs. *)

type server

val serve : unit -> server * int
(** Starts the server on 127.0.0.1 on a port the system picks; returns it and
    its port. Stop it with [shutdown]. *)

val shutdown : server -> unit
(** Closes the listening socket, so the loop can end. *)

val client : port:int -> id:int -> messages:int -> (int -> unit) -> unit
(** Connects, sends [messages] lines one by one and calls back with how many
    came back unchanged. *)

val run_clients :
  port:int -> clients:int -> messages:int -> (int -> unit) -> unit
(** Runs [clients] clients concurrently; calls back once with the total of
    correct echoes. *)

val request_with_timeout :
  port:int ->
  timeout:float ->
  ([ `Answered of string option | `Timed_out ] -> unit) ->
  unit
(** Sends a request the server answers only after 10 s, waiting at most
    [timeout] seconds: with a shorter timeout, a timer closes the connection
    first. *)
