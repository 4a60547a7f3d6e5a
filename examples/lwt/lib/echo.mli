(** A TCP echo server on the loopback interface and concurrent clients, with
    Lwt. *)

val serve : unit -> (Lwt_io.server * int) Lwt.t
(** Starts the server on 127.0.0.1 on a port the system picks; resolves to the
    server and its port once it listens. Stop it with [Lwt_io.shutdown_server].
*)

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
