(* Eio's executor pool belongs to Eio's event loop: [with_workers] starts one
   around [f], as an Eio program would have it running already, and creates
   the pool in a switch that stops its domains when [f] returns or raises.
   The pool's [workers] domains compute; the calling one only waits for their
   results. *)

type t = Eio.Executor_pool.t

let name = Eio_parallel.name
let default_workers () = Domain.recommended_domain_count ()

let with_workers ~workers f =
  Workload.check_workers workers;
  Eio_main.run @@ fun env ->
  Eio.Switch.run @@ fun sw ->
  f
    (Eio.Executor_pool.create ~sw ~domain_count:workers
       (Eio.Stdenv.domain_mgr env))

let sum pool ~n = Eio_parallel.sum pool ~n

let map_reduce pool ~work ~combine init inputs =
  Eio_parallel.map_reduce pool ~work ~combine init inputs
