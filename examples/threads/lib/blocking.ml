(* What threads are for: a thread that blocks in a system call (reading a
   socket, a pipe, a file, waiting for a child process) releases the runtime
   lock while it waits, so the other threads run meanwhile. N waits of d
   seconds take N * d one after another and about d on N threads. A pipe
   that another thread writes to after [delay] stands for a slow peer. *)

let wait_for_reply ~delay =
  let input, output = Unix.pipe ~cloexec:true () in
  let peer =
    Thread.create
      (fun () ->
        Thread.delay delay;
        ignore (Unix.write_substring output "reply" 0 5);
        Unix.close output)
      ()
  in
  let buffer = Bytes.create 5 in
  (* blocks until the peer writes: the runtime lock is released meanwhile *)
  let got = Unix.read input buffer 0 5 in
  Thread.join peer;
  Unix.close input;
  Bytes.sub_string buffer 0 got

let one_after_another ~tasks ~delay =
  List.init tasks (fun _ -> wait_for_reply ~delay)

let in_threads ~tasks ~delay =
  let replies = Array.make tasks "" in
  List.init tasks (fun i ->
      Thread.create (fun () -> replies.(i) <- wait_for_reply ~delay) ())
  |> List.iter Thread.join;
  Array.to_list replies
