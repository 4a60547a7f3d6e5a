(* The parallel answer must equal the sequential one, whatever the split. *)

open Parany_starter

let check name expected actual =
  if expected <> actual then (
    Printf.printf "FAIL %s: expected %d, got %d\n" name expected actual;
    exit 1)

let () =
  check "collatz_steps 27" 111 (Workload.collatz_steps 27);
  check "sequential 10" 67 (Workload.sequential 10);
  List.iter
    (fun n ->
      let expected = Workload.sequential n in
      List.iter
        (fun workers ->
          check
            (Printf.sprintf "n=%d workers=%d" n workers)
            expected (Parallel.sum ~workers ~n))
        [ 1; 2; 3; 4 ])
    [ 1; 2; 7; 1000; 100_000 ];
  print_endline "parallel answers match the sequential ones"
