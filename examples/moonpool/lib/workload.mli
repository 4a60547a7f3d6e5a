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

val check_workers : int -> unit
(** [check_workers w] raises [Invalid_argument] with
    ["with_workers: workers must be at least 1, not W"] when [w < 1]: the check
    every [Parallel.with_workers] makes first. *)

val time : ?now:(unit -> float) -> (unit -> 'a) -> 'a * float
(** [time f] runs [f] and returns its result and the seconds it took, read from
    [now] (default [Unix.gettimeofday], the wall clock; give a monotonic clock
    where the library has one). *)

val fastest : ?now:(unit -> float) -> int -> (unit -> 'a) -> 'a * float
(** [fastest repeats f] runs [f] [repeats] times (at least once) and returns its
    first result and the shortest time: the run the rest of the machine
    disturbed least. The compare bench times each approach this way. *)

val default_repeats : int
(** 3: the starters' default [-r]. *)

val measure :
  ?now:(unit -> float) ->
  repeats:int ->
  sequential:(unit -> int) ->
  parallel:(unit -> int) ->
  unit ->
  (int * float) * (int * float)
(** [measure ~repeats ~sequential ~parallel ()] runs each once as a warm-up
    (discarded), then [repeats] rounds of [sequential] followed by [parallel],
    and returns each one's answer and fastest time. The answer is the warm-up's,
    or the first that differs from it: a run that disagrees is never hidden by
    the others. The starters time this way ([-r REPEATS]). *)

val report :
  name:string ->
  workers:int ->
  n:int ->
  repeats:int ->
  sequential:int * float ->
  parallel:int * float ->
  bool
(** Prints how it was timed, the sequential and parallel answers and times, the
    speedup, and whether the answers agree (which it returns). *)
