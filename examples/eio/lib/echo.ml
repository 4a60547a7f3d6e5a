(* A TCP echo server and its clients with Eio. Code is written in direct
   style (no promises, no monads); each concurrent task is a fiber, and every
   fiber belongs to a switch that outlives it: when a switch's work is done,
   whatever it still runs is cancelled and its resources are closed. *)

let slow_request = "please take your time"
let loopback port = `Tcp (Eio.Net.Ipaddr.V4.loopback, port)

(* Echoes each line back until the client hangs up. The slow request gets its
   answer after 10 s: long enough for a client's timeout to fire first. *)
let handle ~clock flow _client =
  let reader = Eio.Buf_read.of_flow flow ~max_size:65536 in
  Seq.iter
    (fun line ->
      if line = slow_request then Eio.Time.sleep clock 10.;
      Eio.Flow.copy_string (line ^ "\n") flow)
    (Eio.Buf_read.lines reader)

let serve ~sw ~net ~clock =
  (* port 0: the system picks a free port *)
  let socket =
    Eio.Net.listen ~sw ~backlog:4096 ~reuse_addr:true net (loopback 0)
  in
  (* a daemon fiber: [sw] cancels it once its other fibers are done *)
  Eio.Fiber.fork_daemon ~sw (fun () ->
      Eio.Net.run_server socket (handle ~clock) ~on_error:raise);
  match Eio.Net.listening_addr socket with
  | `Tcp (_, port) -> port
  | `Unix _ -> assert false

let client ~net ~port ~id ~messages =
  Eio.Switch.run @@ fun sw ->
  let flow = Eio.Net.connect ~sw net (loopback port) in
  let reader = Eio.Buf_read.of_flow flow ~max_size:65536 in
  let correct = ref 0 in
  for k = 0 to messages - 1 do
    let message = Printf.sprintf "client %d message %d" id k in
    Eio.Flow.copy_string (message ^ "\n") flow;
    if Eio.Buf_read.line reader = message then incr correct
  done;
  !correct

let run_clients ~net ~port ~clients ~messages =
  List.init clients Fun.id
  |> Eio.Fiber.List.map (fun id -> client ~net ~port ~id ~messages)
  |> List.fold_left ( + ) 0

let request_with_timeout ~net ~clock ~port ~timeout =
  Eio.Switch.run @@ fun sw ->
  let flow = Eio.Net.connect ~sw net (loopback port) in
  Eio.Flow.copy_string (slow_request ^ "\n") flow;
  let reader = Eio.Buf_read.of_flow flow ~max_size:65536 in
  (* the timeout cancels the fiber blocked in the read *)
  match
    Eio.Time.with_timeout clock timeout (fun () ->
        Ok (Eio.Buf_read.line reader))
  with
  | Ok line -> `Answered line
  | Error `Timeout -> `Timed_out
