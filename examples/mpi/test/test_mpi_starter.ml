(* The ranks' shares add up to the whole, for any number of ranks; and the
   collective sum is right on however many ranks run this test (one under
   [dune test], more under [mpirun -np N _build/default/test/test_*.exe]). *)

open Mpi_starter

let check name expected actual =
  if expected <> actual then (
    Printf.printf "FAIL %s: expected %d, got %d\n" name expected actual;
    exit 1)

let () =
  List.iter
    (fun n ->
      let expected = Workload.sequential n in
      List.iter
        (fun size ->
          let shares =
            List.init size (fun rank -> Parallel.partial ~n ~rank ~size)
          in
          check
            (Printf.sprintf "n=%d size=%d" n size)
            expected
            (List.fold_left ( + ) 0 shares))
        [ 1; 2; 3; 7; 16 ])
    [ 1; 10; 1000; 100_000 ];
  check "Parallel.sum" (Workload.sequential 100_000) (Parallel.sum ~n:100_000);
  (let inputs = Workload.chunks ~n:100_000 ~count:37 in
   let total =
     Parallel.map_reduce
       ~work:(fun (lo, hi) -> Workload.sum_range ~lo ~hi)
       ~combine:( + ) 0 inputs
   in
   if Parallel.rank () = 0 then
     check "Parallel.map_reduce" (Workload.sequential 100_000) total);
  if Parallel.rank () = 0 then
    Printf.printf
      "the shares add up on 1 to 16 ranks; the sum and map_reduce are right on \
       %d\n"
      (Parallel.size ())
