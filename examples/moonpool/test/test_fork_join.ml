(* Futures and fork-join on the one pool give the sequential answer. *)

open Moonpool_starter

let () =
  List.iter
    (fun workers ->
      Parallel.with_workers ~workers (fun pool ->
          List.iter
            (fun n ->
              let expected = Workload.sequential n in
              let futures = Parallel.sum pool ~n in
              let forked = Parallel.fork_join_sum pool ~n in
              if futures <> expected || forked <> expected then (
                Printf.printf
                  "FAIL n=%d workers=%d: sequential %d, futures %d, fork-join %d\n"
                  n workers expected futures forked;
                exit 1))
            [ 1; 2; 7; 1000; 100_000 ]))
    [ 1; 2; 3 ];
  print_endline "futures and fork-join agree with the sequential sum"
