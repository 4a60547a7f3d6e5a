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
              let got, _ = All_approaches.run approach ~workers ~n ~repeats:1 in
              if got <> expected then (
                Printf.printf "FAIL %s n=%d workers=%d: expected %d, got %d\n"
                  key n workers expected got;
                failed := true))
            [ 1; 2; 3 ])
        [ 1; 7; 1000; 50_000 ])
    All_approaches.all;
  if !failed then exit 1;
  Printf.printf "%d approaches agree with the sequential answers\n"
    (List.length All_approaches.all)
