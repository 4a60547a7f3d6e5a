(* The approaches this project compares, in the order they run. To add one,
   write a library in approaches/dune whose main module has APPROACH's values,
   and list it here. OCaml 5 refuses to fork once a domain has been spawned,
   so the fork-based ones (parmap, parany) come first; programs are started
   with posix_spawn, which it allows. *)

module type APPROACH = sig
  type t

  val name : string
  val default_workers : unit -> int
  val with_workers : workers:int -> (t -> 'a) -> 'a
  val sum : t -> n:int -> int

  val map_reduce :
    t -> work:('a -> 'b) -> combine:('c -> 'b -> 'c) -> 'c -> 'a list -> 'c
end

type approach =
  | Library of (module APPROACH)
  | Program of { executable : string; command : string list }

let all : (string * approach) list =
  [
    ("parmap", Library (module Parmap_approach : APPROACH));
    ("parany", Library (module Parany_approach : APPROACH));
    ("domains", Library (module Domains_approach : APPROACH));
    ("domainslib", Library (module Domainslib_approach : APPROACH));
    ("eio", Library (module Eio_approach : APPROACH));
  ]

(* The bench and the test run from _build/default/bin/ and _build/default/test/:
   the programs are built beside them. *)
let path_of executable =
  Filename.concat
    (Filename.dirname (Filename.dirname Sys.executable_name))
    executable

let run_program ~executable ~command ~workers ~workload ~n ~repeats =
  let exe = path_of executable in
  if not (Sys.file_exists exe) then
    failwith (exe ^ " is not built: run `dune build` first");
  let word = function
    | "EXE" -> exe
    | "WORKERS" -> string_of_int workers
    | "WORKLOAD" -> workload
    | w -> w
  in
  let args =
    List.map word command
    @ [ "-n"; string_of_int n; "-r"; string_of_int repeats; "-csv" ]
  in
  let command_line = String.concat " " args in
  let output =
    try Unix.open_process_args_in (List.hd args) (Array.of_list args)
    with Unix.Unix_error (e, _, _) ->
      failwith (command_line ^ ": " ^ Unix.error_message e)
  in
  let rec last_result found =
    match input_line output with
    | line -> (
        match String.split_on_char ',' line with
        | [ _; answer; seconds ] -> (
            match (int_of_string_opt answer, float_of_string_opt seconds) with
            | Some a, Some s -> last_result (Some (a, s))
            | _ -> last_result found)
        | _ -> last_result found)
    | exception End_of_file -> found
  in
  let result = last_result None in
  match (Unix.close_process_in output, result) with
  | Unix.WEXITED 0, Some result -> result
  | _ ->
      failwith (command_line ^ " failed, or printed no WORKERS,ANSWER,SECONDS")

(* one call of the approach on the job, from inputs in this process's memory
   to the answer in it *)
let call (type t) (module A : APPROACH with type t = t) (t : t) = function
  | Workloads.Collatz n -> A.sum t ~n
  | Tasks { inputs; work; combine } -> A.map_reduce t ~work ~combine 0 inputs

let run approach ~workers ~(workload : Workloads.t) ~n ~repeats =
  match approach with
  | Library (module A) ->
      (* the inputs are built and the workers started before the clock does,
         and a warm-up run (its answer checked, its time discarded) pays for
         the first page faults *)
      let job = workload.prepare ~n in
      A.with_workers ~workers (fun t ->
          let warm_up = call (module A) t job in
          let answer, seconds =
            Workload.fastest repeats (fun () -> call (module A) t job)
          in
          ((if warm_up <> answer then warm_up else answer), seconds))
  | Program { command; _ }
    when workload.name <> "collatz" && not (List.mem "WORKLOAD" command) ->
      invalid_arg "this program runs the collatz workload only"
  | Program { executable; command } ->
      run_program ~executable ~command ~workers ~workload:workload.name ~n
        ~repeats
