(** Command-line flags (Core's [Command]) that take a positive value. *)

open! Core

val refuse : ('a, unit, string, 'b) format4 -> 'a
(** [refuse "%s must be ..." flag]: prints the message after the program's name
    and exits 2, as a bad flag value does. *)

val count : string -> int Command.Arg_type.t
(** [count "-n"]: a whole number of at least 1. *)

val seconds : string -> float Command.Arg_type.t
(** [seconds "-t"]: a finite number of seconds above 0. *)
