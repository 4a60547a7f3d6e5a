(** A TCP echo server on the loopback interface and concurrent clients, with
    Eio. *)

val serve : sw:Eio.Switch.t -> net:_ Eio.Net.t -> clock:_ Eio.Time.clock -> int
(** Starts the server on 127.0.0.1 on a port the system picks and returns the
    port. The server runs in a daemon fiber of [sw]: it stops when the rest of
    [sw]'s work is done. *)

val client : net:_ Eio.Net.t -> port:int -> id:int -> messages:int -> int
(** Connects, sends [messages] lines one by one and returns how many came back
    unchanged. *)

val run_clients :
  net:_ Eio.Net.t -> port:int -> clients:int -> messages:int -> int
(** Runs [clients] clients in concurrent fibers; returns the total of correct
    echoes. *)

val request_with_timeout :
  net:_ Eio.Net.t ->
  clock:_ Eio.Time.clock ->
  port:int ->
  timeout:float ->
  [ `Answered of string | `Timed_out ]
(** Sends a request the server answers only after 10 s, waiting at most
    [timeout] seconds: with a shorter timeout the read is cancelled. *)
