(** Blocking waits, one after another and overlapped by threads. *)

val wait_for_reply : delay:float -> string
(** Reads a pipe that another thread writes ["reply"] to after [delay] seconds,
    and returns what it read: a blocking call that releases the runtime lock
    while it waits. *)

val one_after_another : tasks:int -> delay:float -> string list
(** [tasks] waits in a row: about [tasks *. delay] seconds. *)

val in_threads : tasks:int -> delay:float -> string list
(** [tasks] waits on as many threads at once: about [delay] seconds. *)
