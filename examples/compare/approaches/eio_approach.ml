(* Eio's domain manager belongs to Eio's event loop: each run starts one
   around the work, as an Eio program would have it running already. *)

let name = Eio_parallel.name

let sum ~workers ~n =
  Eio_main.run (fun env ->
      Eio_parallel.sum ~domain_mgr:(Eio.Stdenv.domain_mgr env) ~workers ~n)
