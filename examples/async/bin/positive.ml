(* Flags that take a positive value. A bad one stops the program with a
   message that names the flag, and exit 2, as in the starters that parse
   flags with Stdlib's Arg (Command's own errors exit 1): every starter
   refuses bad values the same way. *)

open! Core

let refuse fmt =
  Printf.ksprintf
    (fun message ->
      Stdlib.prerr_endline ((Sys.get_argv ()).(0) ^ ": " ^ message ^ ".");
      Stdlib.exit 2)
    fmt

let count flag =
  Command.Arg_type.create (fun s ->
      match Int.of_string_opt s with
      | Some v when v >= 1 -> v
      | Some v -> refuse "%s must be at least 1, not %d" flag v
      | None ->
          refuse "wrong argument '%s'; option '%s' expects an integer" s flag)

let seconds flag =
  Command.Arg_type.create (fun s ->
      match Float.of_string_opt s with
      | Some v when Float.is_finite v && Float.(v > 0.) -> v
      | Some v ->
          refuse "%s must be a positive number of seconds, not %g" flag v
      | None -> refuse "wrong argument '%s'; option '%s' expects a float" s flag)
