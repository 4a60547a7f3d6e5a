(* Two worker processes compute the same sums as the sequential code. Like
   the main program, the test starts through [start_app]: the workers are
   this test executable started again. *)

open! Core
open Async
open Rpc_parallel_starter

let check () =
  let%bind connections = Parallel.spawn ~workers:2 () in
  let%bind sums =
    Deferred.List.map ~how:`Sequential [ 1; 7; 1000; 100_000 ] ~f:(fun n ->
        let%map sum = Parallel.sum connections ~n in
        (n, sum))
  in
  let%map () = Parallel.close connections in
  List.iter sums ~f:(fun (n, sum) ->
      let expected = Workload.sequential n in
      if sum <> expected then failwithf "n=%d: %d <> %d" n sum expected ());
  Stdlib.print_endline "2 workers computed the sequential sums"

let () =
  Rpc_parallel_unauthenticated.start_app
    (Command.async ~summary:"Test the workers" (Command.Param.return check))
