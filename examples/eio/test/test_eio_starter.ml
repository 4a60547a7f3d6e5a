(* Clients that misbehave are cut off and the server keeps serving: every
   polite client gets every echo back, and the timeout cancels the slow
   request. The server answers while a job keeps the pool's domain busy, and
   the pool's sums equal the sequential one. *)

open Eio_starter

let fail fmt =
  Printf.ksprintf
    (fun s ->
      print_endline ("FAIL: " ^ s);
      exit 1)
    fmt

let loopback port = `Tcp (Eio.Net.Ipaddr.V4.loopback, port)

(* Sends lines for a moment without reading the echoes, then leaves: the
   unread echoes make its close a reset, under the server's writes. *)
let never_reads ~net ~clock ~port =
  Eio.Switch.run @@ fun sw ->
  let flow = Eio.Net.connect ~sw net (loopback port) in
  let send () =
    while true do
      Eio.Flow.copy_string "a line whose echo is never read\n" flow
    done
  in
  match Eio.Time.with_timeout clock 0.2 (fun () -> Ok (send ())) with
  | Ok () | Error `Timeout -> ()

(* Sends 1 MiB without a newline: the server must cut it off (an end of file
   or a reset), not wait for the end of the line. *)
let endless_line ~net ~port =
  Eio.Switch.run @@ fun sw ->
  let flow = Eio.Net.connect ~sw net (loopback port) in
  match
    Eio.Flow.copy_string (String.make (1 lsl 20) 'x') flow;
    Eio.Flow.read_all flow
  with
  | "" -> true
  | _ -> false
  | exception Eio.Io _ -> true

let () =
  Eio_main.run @@ fun env ->
  let net = Eio.Stdenv.net env and clock = Eio.Stdenv.clock env in
  Eio.Switch.run (fun sw ->
      let port = Echo.serve ~sw ~net ~clock () in
      never_reads ~net ~clock ~port;
      if not (endless_line ~net ~port) then
        fail "an endless line was not cut off";
      let correct = Echo.run_clients ~net ~port ~clients:20 ~messages:5 in
      if correct <> 100 then fail "%d/100 echoes" correct;
      match Echo.request_with_timeout ~net ~clock ~port ~timeout:0.05 with
      | `Timed_out -> ()
      | `Answered _ -> fail "the slow request was not cancelled");
  Eio.Switch.run (fun sw ->
      let pool =
        Eio.Executor_pool.create ~sw ~domain_count:1 (Eio.Stdenv.domain_mgr env)
      in
      (* a job that holds the pool's only domain until this domain, which
         runs the server, got an echo (or 10 s passed) *)
      let started, start = Eio.Promise.create () in
      let echoed = Atomic.make false in
      let job =
        Eio.Executor_pool.submit_fork ~sw pool ~weight:1.0 (fun () ->
            Eio.Promise.resolve start ();
            let t0 = Unix.gettimeofday () in
            while
              (not (Atomic.get echoed)) && Unix.gettimeofday () -. t0 < 10.
            do
              Domain.cpu_relax ()
            done;
            Atomic.get echoed)
      in
      Eio.Promise.await started;
      let port = Echo.serve ~sw ~net ~clock () in
      let ping = Echo.pinger ~sw ~net ~port in
      Atomic.set echoed (ping ());
      if not (Eio.Promise.await_exn job) then
        fail "no echo while a job kept the pool busy";
      List.iter
        (fun n ->
          let expected = Workload.sequential n in
          let got = Parallel.sum pool ~n in
          if got <> expected then fail "n=%d: %d <> %d" n got expected;
          let mapped =
            Parallel.map_reduce pool
              ~work:(fun (lo, hi) -> Workload.sum_range ~lo ~hi)
              ~combine:( + ) 0
              (Workload.chunks ~n ~count:37)
          in
          if mapped <> expected then
            fail "map_reduce n=%d: %d <> %d" n mapped expected)
        [ 1; 7; 100_000 ]);
  print_endline
    "a client that never read and an endless line were cut off; 20 clients got \
     their 100 echoes; the slow request timed out; the server answered while a \
     job kept the pool busy; the pool's sums match"
