(* Flags that take a positive value. A bad one stops the program with a
   message that names the flag, and exit 2, as Arg does for a value that is
   not a number: every starter refuses bad values the same way. *)

let count flag r =
  Arg.Int
    (fun v ->
      if v < 1 then
        raise (Arg.Bad (Printf.sprintf "%s must be at least 1, not %d" flag v));
      r := v)

let seconds flag r =
  Arg.Float
    (fun v ->
      if not (Float.is_finite v && v > 0.) then
        raise
          (Arg.Bad
             (Printf.sprintf "%s must be a positive number of seconds, not %g"
                flag v));
      r := v)

let port flag r =
  Arg.Int
    (fun v ->
      if v < 1 || v > 65535 then
        raise
          (Arg.Bad
             (Printf.sprintf "%s must be a TCP port from 1 to 65535, not %d"
                flag v));
      r := v)
