(* Every approach's answer must equal the sequential one, whatever the split. *)

open Compare_starter

let () =
  let failed = ref false in
  List.iter
    (fun (key, approach) ->
      List.iter
        (fun n ->
          let expected = Workload.sequential n in
          List.iter
            (fun workers ->
              match All_approaches.run approach ~workers ~n ~repeats:1 with
              | got, _ ->
                  if got <> expected then (
                    Printf.printf
                      "FAIL %s n=%d workers=%d: expected %d, got %d\n" key n
                      workers expected got;
                    failed := true)
              (* Parany refuses more workers than cores *)
              | exception Invalid_argument reason
                when workers > Domain.recommended_domain_count () ->
                  if n = 1 then
                    Printf.printf "%s: %d workers refused: %s\n" key workers
                      reason)
            [ 1; 2; 3 ])
        [ 1; 7; 1000; 50_000 ])
    All_approaches.all;
  if !failed then exit 1;
  Printf.printf "%d approaches agree with the sequential answers\n"
    (List.length All_approaches.all)
