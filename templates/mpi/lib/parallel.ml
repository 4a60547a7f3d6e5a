(* Distributed memory with MPI: [mpirun -np N] starts N copies of the program,
   the ranks 0 .. N-1, on one machine or several. They share nothing; each
   computes its share of the workload and [Mpi.allreduce_int] adds the partial
   sums over the network (or shared memory) so that every rank gets the total.
   The [Mpi] module initialises MPI when the program starts and finalises it
   at exit. *)

let name = "MPI ranks, Mpi.allreduce_int"
let rank () = Mpi.comm_rank Mpi.comm_world
let size () = Mpi.comm_size Mpi.comm_world

(* Interleaved chunks: every rank gets small and large numbers alike. *)
let partial ~n ~rank ~size =
  Workload.chunks ~n ~count:(size * 16)
  |> List.filteri (fun i _ -> i mod size = rank)
  |> List.fold_left (fun acc (lo, hi) -> acc + Workload.sum_range ~lo ~hi) 0

let sum ~n =
  Mpi.allreduce_int
    (partial ~n ~rank:(rank ()) ~size:(size ()))
    Mpi.Sum Mpi.comm_world

(* Every rank sends its hostname to rank 0, which counts them per host. *)
let placement () =
  let hosts =
    Array.to_list (Mpi.gather (Unix.gethostname ()) 0 Mpi.comm_world)
  in
  List.sort_uniq compare hosts
  |> List.map (fun host ->
      let ranks = List.filter (String.equal host) hosts in
      Printf.sprintf "%s: %d" host (List.length ranks))
  |> String.concat ", "

(* Rank 0 deals the inputs out round-robin, one bucket per rank; [Mpi.scatter]
   sends each rank its bucket and [Mpi.gather] brings the results back, both
   marshalled: nothing is shared between ranks. *)
let map_reduce ~work ~combine init inputs =
  let size = size () in
  let buckets =
    if rank () = 0 then
      Array.init size (fun r -> List.filteri (fun i _ -> i mod size = r) inputs)
    else [||]
  in
  let mine = Mpi.scatter buckets 0 Mpi.comm_world in
  Mpi.gather (List.map work mine) 0 Mpi.comm_world
  |> Array.fold_left (List.fold_left combine) init
