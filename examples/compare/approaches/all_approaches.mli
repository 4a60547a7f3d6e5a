(** Every approach of this comparison. *)

module type APPROACH = sig
  val name : string
  (** How it runs in parallel, for the report. *)

  val sum : workers:int -> n:int -> int
  (** [sum ~workers ~n] must equal [Workload.sequential n]. *)
end

type approach =
  | Library of (module APPROACH)
      (** Runs in the bench's own process, which times it. *)
  | Program of { executable : string; command : string list }
      (** A program of its own (mpirun's ranks, Rpc_parallel's master), built at
          [executable] under [_build/default/]: [command] starts it, with
          ["EXE"] standing for its path and ["WORKERS"] for the count. Given
          [-n N -r R -csv], it prints [WORKERS,ANSWER,SECONDS]: the fastest of
          its [R] runs, timed by itself, without its start-up. *)

val all : (string * approach) list
(** Short name and implementation, in the order they run. *)

val run : approach -> workers:int -> n:int -> repeats:int -> int * float
(** The answer and the fastest time of [repeats] runs. Raises [Failure] with the
    reason when a program is not built, does not start or fails. *)
