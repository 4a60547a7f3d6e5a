(* The C kernel agrees with OCaml number by number, through a bigarray that
   threads fill with the runtime lock released; the lock-held binding gives
   the same sums; and ctypes refuses to release the lock for a C function
   that would be given memory of the OCaml heap. *)

open Ctypes_starter

let fail fmt =
  Printf.ksprintf
    (fun s ->
      print_endline ("FAIL " ^ s);
      exit 1)
    fmt

let () =
  List.iter
    (fun workers ->
      Parallel.with_workers ~workers (fun t ->
          List.iter
            (fun n ->
              let steps = Parallel.steps t ~n in
              if Bigarray.Array1.dim steps <> n then
                fail "steps ~n:%d has %d elements" n (Bigarray.Array1.dim steps);
              for i = 1 to n do
                let c = Int32.to_int steps.{i - 1} in
                if c <> Workload.collatz_steps i then
                  fail "C says %d takes %d steps, OCaml %d (%d threads)" i c
                    (Workload.collatz_steps i) workers
              done;
              let held = Parallel.sum_holding_lock t ~n in
              if held <> Workload.sequential n then
                fail "sum_holding_lock ~n:%d = %d, not %d" n held
                  (Workload.sequential n))
            [ 1; 2; 7; 1000; 100_000 ]))
    [ 1; 2; 3 ];
  (match
     Foreign.foreign ~release_runtime_lock:true "collatz_steps_into"
       Ctypes.(int64_t @-> int64_t @-> ocaml_bytes @-> returning void)
   with
  | (_ : int64 -> int64 -> bytes Ctypes.ocaml -> unit) ->
      fail "ctypes bound a function taking OCaml bytes without the lock"
  | exception Ctypes.Unsupported _ -> ());
  print_endline
    "C's steps equal OCaml's, number by number, and ctypes refuses OCaml \
     memory without the lock"
