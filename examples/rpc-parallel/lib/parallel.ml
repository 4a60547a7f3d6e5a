(* Parallelism across processes (and machines) with Rpc_parallel. A worker
   type is a module of typed functions ([Rpc_parallel.Make]); [spawn_exn]
   starts a worker process, by default this same executable on this machine,
   and returns a connection on which the master runs those functions as RPCs.
   The master hands each worker the next chunk of the shared workload until
   none is left, and adds the partial sums. *)

open! Core
open Async

module Range = struct
  type t = int * int [@@deriving bin_io]
end

module Sum_worker = struct
  module T = struct
    type 'worker functions = {
      sum_range : ('worker, Range.t, int) Rpc_parallel.Function.t;
      host : ('worker, unit, string) Rpc_parallel.Function.t;
    }

    module Worker_state = struct
      type init_arg = unit [@@deriving bin_io]
      type t = unit
    end

    module Connection_state = struct
      type init_arg = unit [@@deriving bin_io]
      type t = unit
    end

    module Functions
        (C :
          Rpc_parallel.Creator
            with type worker_state := Worker_state.t
             and type connection_state := Connection_state.t) =
    struct
      let sum_range =
        C.create_rpc
          ~f:(fun ~worker_state:() ~conn_state:() (lo, hi) ->
            (* on a thread of its own: run on the worker's scheduler, a chunk
               longer than the heartbeat timeout (30 s by default) would stop
               the worker's heartbeats, and the master would drop the
               connection *)
            In_thread.run (fun () -> Workload.sum_range ~lo ~hi))
          ~bin_input:Range.bin_t ~bin_output:Int.bin_t ()

      (* where the worker runs: its own answer, not where the master meant it to *)
      let host =
        C.create_rpc
          ~f:(fun ~worker_state:() ~conn_state:() () ->
            return (Unix.gethostname ()))
          ~bin_input:Unit.bin_t ~bin_output:String.bin_t ()

      let functions = { sum_range; host }
      let init_worker_state () = Deferred.unit
      let init_connection_state ~connection:_ ~worker_state:_ = return
    end
  end

  (* applied when the program starts, before [start_app] runs: Rpc_parallel
     requires every worker type to exist on every path to [start_app] *)
  include Rpc_parallel.Make (T)
end

type connection = Sum_worker.Connection.t

let name = "Rpc_parallel worker processes"
let default_workers () = Domain.recommended_domain_count ()

(* "local" starts the worker on this machine; any other host over ssh, where
   this same executable must exist at the same path (Rpc_parallel checks its
   md5) and from where the worker can reach this machine by its hostname. *)
let how_to_run = function
  | "local" -> Rpc_parallel.How_to_run.local
  | host ->
      Rpc_parallel.How_to_run.remote
        (Rpc_parallel.Remote_executable.existing_on_host
           ~executable_path:Sys.executable_name host)

let spawn ?(hosts = [ "local" ]) ~workers () =
  Deferred.List.init ~how:`Parallel workers ~f:(fun i ->
      (* round-robin over the hosts; the worker exits when this connection
         closes, or when the master dies *)
      Sum_worker.spawn_exn
        ~how:(how_to_run (List.nth_exn hosts (i % List.length hosts)))
        ~on_failure:Error.raise ~shutdown_on:Connection_closed
        ~redirect_stdout:`Dev_null ~redirect_stderr:`Dev_null
        ~connection_state_init_arg:() ())

let hosts connections =
  Deferred.List.map ~how:`Parallel connections ~f:(fun connection ->
      Sum_worker.Connection.run_exn connection ~f:Sum_worker.functions.host
        ~arg:())

let sum ?(chunks_per_worker = 16) connections ~n =
  let chunks =
    Queue.of_list
      (Workload.chunks ~n ~count:(List.length connections * chunks_per_worker))
  in
  let%map partials =
    Deferred.List.map ~how:`Parallel connections ~f:(fun connection ->
        let rec loop acc =
          match Queue.dequeue chunks with
          | None -> return acc
          | Some range ->
              let%bind partial =
                Sum_worker.Connection.run_exn connection
                  ~f:Sum_worker.functions.sum_range ~arg:range
              in
              loop (acc + partial)
        in
        loop 0)
  in
  List.sum (module Int) partials ~f:Fn.id

let close connections =
  Deferred.List.iter ~how:`Parallel connections ~f:Sum_worker.Connection.close
