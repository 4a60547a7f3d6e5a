(** The deterministic CPU-bound workload shared by every parallel starter. *)

val collatz_steps : int -> int
(** [collatz_steps n] is how many Collatz steps take [n] (>= 1) to 1. *)

val sum_range : lo:int -> hi:int -> int
(** [sum_range ~lo ~hi] adds [collatz_steps i] for [lo <= i < hi]. *)

val sequential : int -> int
(** [sequential n] is [sum_range ~lo:1 ~hi:(n + 1)]: the reference answer. *)

val chunks : n:int -> count:int -> (int * int) list
(** [chunks ~n ~count] cuts [1..n] into [count] consecutive [(lo, hi)] ranges
    (half-open) that cover it exactly; more chunks than workers balance the
    load. *)

val default_size : int

val time : (unit -> 'a) -> 'a * float
(** [time f] runs [f] and returns its result and the wall-clock seconds it took.
*)

val fastest : int -> (unit -> 'a) -> 'a * float
(** [fastest repeats f] runs [f] [repeats] times (at least once) and returns its
    first result and the shortest wall-clock time: the run the rest of the
    machine disturbed least. The starters and the compare bench all time this
    way ([-r REPEATS]). *)

val report :
  name:string ->
  workers:int ->
  n:int ->
  sequential:int * float ->
  parallel:int * float ->
  bool
(** Prints the sequential and parallel answers and times, the speedup, and
    whether the answers agree (which it returns). *)
