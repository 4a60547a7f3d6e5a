(** A TCP echo server on the loopback interface and concurrent clients, with
    Eio. *)

val max_line : int
(** The longest line the server reads (64 KiB): a client sending a longer one is
    cut off. *)

val serve :
  sw:Eio.Switch.t ->
  net:_ Eio.Net.t ->
  clock:_ Eio.Time.clock ->
  ?port:int ->
  unit ->
  int
(** Starts the server on 127.0.0.1:[port] (by default a port the system picks)
    and returns the port. The server runs in a daemon fiber of [sw]: when the
    rest of [sw]'s work is done, it stops, its connections are cancelled and
    closed, then its listening socket. Each client's failure (a reset, a write
    to a client that has left, a line longer than {!max_line}) is logged as one
    line on stderr and ends that client's connection only. *)

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

val pinger : sw:Eio.Switch.t -> net:_ Eio.Net.t -> port:int -> unit -> bool
(** [pinger ~sw ~net ~port] connects (the connection is closed with [sw]) and
    returns a function that sends one line and waits for its echo: [true] if it
    came back unchanged. *)
