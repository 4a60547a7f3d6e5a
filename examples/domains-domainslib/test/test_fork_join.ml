(* Both ways of splitting the work on the pool give the sequential answer. *)

open Domains_domainslib_starter

let () =
  List.iter
    (fun workers ->
      Parallel.with_workers ~workers (fun pool ->
          List.iter
            (fun n ->
              let expected = Workload.sequential n in
              let reduced = Parallel.sum pool ~n in
              let forked = Parallel.fork_join_sum pool ~n in
              if reduced <> expected || forked <> expected then (
                Printf.printf
                  "FAIL n=%d workers=%d: sequential %d, parallel_for_reduce \
                   %d, async/await %d\n"
                  n workers expected reduced forked;
                exit 1))
            [ 1; 2; 7; 1000; 100_000 ]))
    [ 1; 2; 3 ];
  print_endline
    "parallel_for_reduce and async/await agree with the sequential sum"
