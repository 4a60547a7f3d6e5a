(** A TCP echo server on the loopback interface and concurrent clients, with
    Lwt. *)

type server

val max_line : int
(** The longest line the server reads (64 KiB): a client sending a longer one is
    cut off. *)

val serve : ?port:int -> unit -> server Lwt.t
(** Starts the server on 127.0.0.1:[port] (by default a port the system picks)
    and resolves once it listens. Each client's failure (a reset, a write to a
    client that has left, a line longer than {!max_line}) is logged as one line
    on stderr and ends that client's connection only. Ignores SIGPIPE, which Lwt
    does not, so that a write to a client that has left fails with EPIPE instead
    of killing the process. *)

val port : server -> int
(** The port the server listens on. *)

val shutdown : server -> unit Lwt.t
(** Closes the listening socket ([Lwt_io.shutdown_server]), then every open
    connection. *)

val client : port:int -> id:int -> messages:int -> int Lwt.t
(** Connects, sends [messages] lines one by one and resolves to how many came
    back unchanged. *)

val run_clients : port:int -> clients:int -> messages:int -> int Lwt.t
(** Runs [clients] clients concurrently; resolves to the total of correct
    echoes. *)

val request_with_timeout :
  port:int -> timeout:float -> [ `Answered of string option | `Timed_out ] Lwt.t
(** Sends a request the server answers only after 10 s, waiting at most
    [timeout] seconds: with a shorter timeout the wait is cancelled. *)
