(* Flags that take a positive value. A bad one raises: Command then prints
   "failed to parse FLAG value ..." with the message, and the usage hint, and
   exits 1, as for any value it cannot parse. *)

open! Core

let refuse fmt =
  Printf.ksprintf (fun message -> Error.raise (Error.of_string message)) fmt

let count flag =
  Command.Arg_type.create (fun s ->
      match Int.of_string_opt s with
      | Some v when v >= 1 -> v
      | Some v -> refuse "%s must be at least 1, not %d" flag v
      | None -> refuse "%s must be a whole number, not %S" flag s)

let seconds flag =
  Command.Arg_type.create (fun s ->
      match Float.of_string_opt s with
      | Some v when Float.is_finite v && Float.(v > 0.) -> v
      | Some _ | None ->
          refuse "%s must be a positive number of seconds, not %S" flag s)

let port flag =
  Command.Arg_type.create (fun s ->
      match Int.of_string_opt s with
      | Some v when v >= 1 && v <= 65535 -> v
      | Some _ | None ->
          refuse "%s must be a TCP port from 1 to 65535, not %S" flag s)
