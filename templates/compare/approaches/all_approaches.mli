(** Every approach of this comparison. *)

module type APPROACH = sig
  val name : string
  (** How it runs in parallel, for the report. *)

  val sum : workers:int -> n:int -> int
  (** [sum ~workers ~n] must equal [Workload.sequential n]. *)
end

val all : (string * (module APPROACH)) list
(** Short name and implementation, in the order they run. *)
