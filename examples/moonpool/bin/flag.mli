(** Command-line flags (Stdlib's [Arg]) that take a positive value. *)

val count : string -> int ref -> Arg.spec
(** [count "-n" r]: a whole number of at least 1, stored in [r]. *)

val seconds : string -> float ref -> Arg.spec
(** [seconds "-t" r]: a finite number of seconds above 0, stored in [r]. *)

val port : string -> int ref -> Arg.spec
(** [port "-serve" r]: a TCP port, from 1 to 65535, stored in [r]. *)
