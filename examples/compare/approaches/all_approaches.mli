(** Every approach of this comparison. *)

module type APPROACH = sig
  type t
  (** Running workers: a pool, or the count for libraries that start their
      workers at each call. *)

  val name : string
  (** How it runs in parallel, for the report. *)

  val default_workers : unit -> int
  (** How many workers it runs by default (one per core, mostly). *)

  val with_workers : workers:int -> (t -> 'a) -> 'a
  (** [with_workers ~workers f] starts the workers, runs [f] with them and
      releases them when [f] returns or raises. Raises [Invalid_argument] if
      [workers < 1], or if the library refuses that many. *)

  val sum : t -> n:int -> int
  (** [sum t ~n] must equal [Workload.sequential n]: the collatz workload. *)

  val map_reduce :
    t -> work:('a -> 'b) -> combine:('c -> 'b -> 'c) -> 'c -> 'a list -> 'c
  (** [map_reduce t ~work ~combine init inputs] folds [combine] over
      [work input] for every input ([combine] in any order): the other
      workloads. [work] runs on the workers, [combine] in the caller. *)
end

type approach =
  | Library of (module APPROACH)
      (** Runs in the bench's own process, which times it. *)
  | Program of { executable : string; command : string list }
      (** A program of its own (mpirun's ranks, Rpc_parallel's master), built at
          [executable] under [_build/default/]: [command] starts it, with
          ["EXE"] standing for its path, ["WORKERS"] for the count and
          ["WORKLOAD"] for the workload's name (a program whose command has no
          ["WORKLOAD"] runs collatz only). Given [-n N -r R -csv], it prints
          [WORKERS,ANSWER,SECONDS]: the fastest of its [R] runs after a warm-up,
          timed by itself, without its start-up. *)

val all : (string * approach) list
(** Short name and implementation, in the order they run. *)

val run :
  approach ->
  workers:int ->
  workload:Workloads.t ->
  n:int ->
  repeats:int ->
  int * float
(** The answer and the fastest time of [repeats] runs of [workload] at size [n]
    after a discarded warm-up. The workload's inputs are built and a library's
    workers started ([with_workers]) before the first run, and serve them all: a
    time is one call, from inputs in memory to the answer, including what the
    call does (forks, spawns, shipping inputs and results). Raises
    [Invalid_argument] when the approach refuses this many workers (Parany: more
    than cores) or this workload (a program without ["WORKLOAD"]), and [Failure]
    with the reason when a program is not built, does not start or fails. *)
