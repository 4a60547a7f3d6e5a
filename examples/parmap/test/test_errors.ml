(* A mapped function that fails: its exception comes back as an [Error], the
   other inputs still give their results, and the program goes on (an exception
   escaping into Parmap would end it with exit 1). *)

open Parmap_starter

let () =
  let results =
    Parallel.with_workers ~workers:2 (fun t ->
        Parallel.map_results t
          (fun i -> if i mod 4 = 3 then failwith (string_of_int i) else i * i)
          (List.init 10 Fun.id))
  in
  let expected =
    List.init 10 (fun i ->
        if i mod 4 = 3 then
          Error (Printexc.to_string (Failure (string_of_int i)))
        else Ok (i * i))
  in
  if results <> expected then (
    print_endline "FAIL map_results did not keep the failures as values";
    exit 1);
  print_endline "a failing mapped function gives Error values, the rest Ok"
