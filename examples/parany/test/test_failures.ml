(* Failures are loud and processes are reaped: a work function that raises in
   a worker makes map_reduce raise (Parany.run alone returns without the
   result), no child process is left behind after many calls, and more
   workers than cores are refused. *)

open Parany_starter

let fail fmt =
  Printf.ksprintf
    (fun message ->
      print_endline ("FAIL " ^ message);
      exit 1)
    fmt

let no_children_left after =
  match Unix.waitpid [ Unix.WNOHANG ] (-1) with
  | exception Unix.Unix_error (Unix.ECHILD, _, _) -> ()
  | 0, _ -> fail "%s: a child process is still running" after
  | pid, _ -> fail "%s: child %d was left a zombie" after pid

let () =
  let workers = min 2 (Parallel.default_workers ()) in
  Parallel.with_workers ~workers (fun pool ->
      for round = 1 to 5 do
        if Parallel.sum pool ~n:10_000 <> Workload.sequential 10_000 then
          fail "sum, round %d" round;
        match
          Parallel.map_reduce pool
            ~work:(fun i -> if i = 3 then failwith "input 3" else i)
            ~combine:( + ) 0 (List.init 10 Fun.id)
        with
        | total -> fail "a raising work function gave %d, no exception" total
        | exception Failure reason when round = 1 ->
            Printf.printf "a work function that raises: %s\n%!" reason
        | exception Failure _ -> ()
      done);
  no_children_left "after 10 calls";
  let cores = Parallel.default_workers () in
  (match Parallel.with_workers ~workers:(cores + 1) (fun _ -> ()) with
  | () -> fail "%d workers on %d cores were not refused" (cores + 1) cores
  | exception Invalid_argument reason -> print_endline reason);
  print_endline "failures raise, and no process is left behind"
