(** A TCP echo server on the loopback interface and concurrent clients, with Luv
    (libuv). Every function returns at once; results arrive through the callback
    [k] while [Luv.Loop.run ()] runs. *)

type server

val max_line : int
(** The longest line the server reads (64 KiB): a client sending a longer one is
    cut off. *)

val serve : ?port:int -> unit -> server
(** Starts the server on 127.0.0.1:[port] (by default a port the system picks).
    Each client's failure (a reset, a write to a client that has left, a line
    longer than {!max_line}) is logged as one line on stderr and closes that
    client's connection only. Ignores SIGPIPE, which libuv does not, so that a
    write to a client that has left fails with EPIPE instead of killing the
    process. *)

val port : server -> int
(** The port the server listens on. *)

val shutdown : server -> unit
(** Closes the listening socket and every open connection, so the loop can end.
*)

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
