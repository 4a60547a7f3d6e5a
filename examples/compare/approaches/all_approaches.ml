(* The approaches this project compares, in the order they run. To add one,
   write a library in approaches/dune whose main module has [name] and [sum],
   and list it here. OCaml 5 refuses to fork once a domain has been spawned,
   so the fork-based ones (parmap, parany) come first. *)

module type APPROACH = sig
  val name : string
  val sum : workers:int -> n:int -> int
end

let all : (string * (module APPROACH)) list =
  [
    ("parmap", (module Parmap_approach : APPROACH));
    ("parany", (module Parany_approach : APPROACH));
    ("domains", (module Domains_approach : APPROACH));
    ("domainslib", (module Domainslib_approach : APPROACH));
    ("eio", (module Eio_approach : APPROACH));
  ]
