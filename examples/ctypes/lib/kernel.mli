(** The C kernel, [collatz_kernel.c], bound with ctypes' [Foreign]. *)

val sum_range : lo:int -> hi:int -> int
(** [sum_range ~lo ~hi] is [Workload.sum_range ~lo ~hi], computed in C with the
    runtime lock released: other threads run meanwhile, also in C. *)

val sum_range_holding_lock : lo:int -> hi:int -> int
(** The same C function, called with the runtime lock held (ctypes' default): no
    other thread of this domain runs OCaml or this C while it computes. *)

val cores : unit -> int
(** The cores online ([sysconf(_SC_NPROCESSORS_ONLN)]), at least 1. *)

type steps = (int32, Bigarray.int32_elt, Bigarray.c_layout) Bigarray.Array1.t
(** A buffer C can write to with the lock released: a bigarray's data is outside
    the OCaml heap. *)

val steps_into : steps -> lo:int -> unit
(** [steps_into a ~lo] sets [a.{k}] to [Workload.collatz_steps (lo + k)] for
    every [k], in C with the runtime lock released. Give each thread its own
    slice ([Bigarray.Array1.sub]) of one array. *)
