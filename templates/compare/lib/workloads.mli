(** The workloads the bench runs, each sized by one [n]: the same Collatz sum as
    every starter, and three that stress what lies around the work. *)

(** What an approach is given to compute: the Collatz sum of [1..n], which it
    computes its own way ([sum]); or inputs, built before the clock starts, to
    map with [work] and fold with [combine] from [0] ([map_reduce]). [combine]
    adds, so the order in which results arrive does not change the answer. *)
type job =
  | Collatz of int
  | Tasks : {
      inputs : 'input list;
      work : 'input -> 'output;
      combine : int -> 'output -> int;
    }
      -> job

type t = {
  name : string;  (** as [--workload] names it *)
  about : string;  (** what it computes from [n], for the report *)
  prepare : n:int -> job;  (** its job for size [n] ([n >= 1]) *)
}

val all : t list
(** collatz, allocation, data, small-tasks: in that order. *)

val find : string -> t option

val sequential : job -> int
(** The answer computed here, in order: the reference every approach's answer
    must equal. *)
