(* Every approach's answer on every workload must equal the sequential one,
   whatever the split. *)

open Compare_starter

let () =
  let failed = ref false in
  List.iter
    (fun (key, approach) ->
      List.iter
        (fun (workload : Workloads.t) ->
          List.iter
            (fun n ->
              let expected = Workloads.sequential (workload.prepare ~n) in
              List.iter
                (fun workers ->
                  match
                    All_approaches.run approach ~workers ~workload ~n ~repeats:1
                  with
                  | got, _ ->
                      if got <> expected then (
                        Printf.printf
                          "FAIL %s %s n=%d workers=%d: expected %d, got %d\n"
                          key workload.name n workers expected got;
                        failed := true)
                  (* Parany refuses more workers than cores *)
                  | exception Invalid_argument reason
                    when workers > Domain.recommended_domain_count () ->
                      if n = 1 then
                        Printf.printf "%s: %d workers refused: %s\n" key workers
                          reason
                  (* a program whose command has no WORKLOAD runs collatz
                     only *)
                  | exception Invalid_argument reason
                    when workload.name <> "collatz" ->
                      if n = 1 && workers = 1 then
                        Printf.printf "%s, %s: refused: %s\n" key workload.name
                          reason)
                [ 1; 2; 3 ])
            [ 1; 7; 20_000 ])
        Workloads.all)
    All_approaches.all;
  if !failed then exit 1;
  Printf.printf
    "%d approaches agree with the sequential answers on %d workloads\n"
    (List.length All_approaches.all)
    (List.length Workloads.all)
