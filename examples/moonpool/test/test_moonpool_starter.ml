(* The parallel answer must equal the sequential one, whatever the split; and
   the workers are checked and released as Parallel's interface says. *)

open Moonpool_starter

let check name expected actual =
  if expected <> actual then (
    Printf.printf "FAIL %s: expected %d, got %d\n" name expected actual;
    exit 1)

let () =
  check "collatz_steps 27" 111 (Workload.collatz_steps 27);
  check "sequential 10" 67 (Workload.sequential 10);
  (match Parallel.with_workers ~workers:0 (fun _ -> ()) with
  | () ->
      print_endline "FAIL with_workers ~workers:0 did not raise";
      exit 1
  | exception Invalid_argument reason ->
      if reason <> "with_workers: workers must be at least 1, not 0" then (
        Printf.printf "FAIL with_workers ~workers:0 raised %S\n" reason;
        exit 1));
  List.iter
    (fun workers ->
      match
        Parallel.with_workers ~workers (fun pool ->
            (* one set of workers serves every call *)
            List.iter
              (fun n ->
                check
                  (Printf.sprintf "n=%d workers=%d" n workers)
                  (Workload.sequential n) (Parallel.sum pool ~n))
              [ 1; 2; 7; 1000; 100_000 ])
      with
      | () -> ()
      | exception Invalid_argument reason
        when workers > Parallel.default_workers () ->
          Printf.printf "%d workers refused: %s\n" workers reason)
    [ 1; 2; 3; 4 ];
  (* released also when the function raises *)
  (let workers = min 2 (Parallel.default_workers ()) in
   match Parallel.with_workers ~workers (fun _ -> failwith "boom") with
   | () -> ()
   | exception Failure _ -> ());
  print_endline "parallel answers match the sequential ones"
