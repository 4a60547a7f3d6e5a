(** Command-line flags (Core's [Command]) that take a positive value. *)

open! Core

val refuse : ('a, unit, string, 'b) format4 -> 'a
(** [refuse "%s must be ..." flag] raises with that message: inside a
    [Command.Arg_type], Command prints it after "failed to parse FLAG value" and
    exits 1. *)

val count : string -> int Command.Arg_type.t
(** [count "-n"]: a whole number of at least 1. *)

val seconds : string -> float Command.Arg_type.t
(** [seconds "-t"]: a finite number of seconds above 0. *)

val port : string -> int Command.Arg_type.t
(** [port "-serve"]: a TCP port, from 1 to 65535. *)
