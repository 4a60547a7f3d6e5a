(* The C kernel (collatz_kernel.c) bound with ctypes' Foreign: libffi builds
   each call from the C types written below, so no C stub is written by hand.
   Each argument is converted to C before the call, so with the runtime lock
   released the C code sees only C integers and bigarray memory. *)

open Ctypes

(* pulls collatz_kernel.c into the program, where dlsym finds its functions *)
external link : unit -> unit = "collatz_kernel_link"

let () = link ()

(* int64_t: OCaml's int is 63 bits, C's int and long may be 32 *)
let sum_range_c = int64_t @-> int64_t @-> returning int64_t

(* ~release_runtime_lock:true: the calling thread gives up the runtime lock
   for the C call, so other threads run OCaml, or this same C, meanwhile *)
let sum_range_released =
  Foreign.foreign ~release_runtime_lock:true "collatz_sum_range" sum_range_c

(* the same C function, bound the default way: the lock stays held *)
let sum_range_held = Foreign.foreign "collatz_sum_range" sum_range_c

let steps_into_c =
  Foreign.foreign ~release_runtime_lock:true "collatz_steps_into"
    (int64_t @-> int64_t @-> ptr int32_t @-> returning void)

let sum_range ~lo ~hi =
  Int64.to_int (sum_range_released (Int64.of_int lo) (Int64.of_int hi))

let sum_range_holding_lock ~lo ~hi =
  Int64.to_int (sum_range_held (Int64.of_int lo) (Int64.of_int hi))

let cores_c = Foreign.foreign "collatz_cores" (void @-> returning int64_t)
let cores () = Int64.to_int (cores_c ())

type steps = (int32, Bigarray.int32_elt, Bigarray.c_layout) Bigarray.Array1.t

(* bigarray_start points into the bigarray's data, outside the OCaml heap:
   the GC never moves it, and ctypes keeps the bigarray alive until the call
   returns, so C may write to it without the lock *)
let steps_into steps ~lo =
  steps_into_c (Int64.of_int lo)
    (Int64.of_int (Bigarray.Array1.dim steps))
    (bigarray_start array1 steps)
