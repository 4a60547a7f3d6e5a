(* A TCP echo server and its clients with Eio. Code is written in direct
   style (no promises, no monads); each concurrent task is a fiber, and every
   fiber belongs to a switch that outlives it: when a switch's work is done,
   whatever it still runs is cancelled and its resources are closed. *)

let slow_request = "please take your time"
let max_line = 65536
let loopback port = `Tcp (Eio.Net.Ipaddr.V4.loopback, port)

(* Echoes each line back until the client hangs up. The slow request gets its
   answer after 10 s: long enough for a client's timeout to fire first. The
   reader holds at most a line and its newline: a longer line raises
   [Eio.Buf_read.Buffer_limit_exceeded] instead of growing the buffer. *)
let echo ~clock flow =
  let reader = Eio.Buf_read.of_flow flow ~max_size:(max_line + 1) in
  Seq.iter
    (fun line ->
      if line = slow_request then Eio.Time.sleep clock 10.;
      Eio.Flow.copy_string (line ^ "\n") flow)
    (Eio.Buf_read.lines reader)

let describe = function
  | Eio.Buf_read.Buffer_limit_exceeded ->
      Printf.sprintf "a line longer than %d bytes" max_line
  | Eio.Io (err, _) -> Format.asprintf "%a" Eio.Exn.pp_err err
  | e -> Printexc.to_string e

let pp_peer f = function
  | `Tcp (ip, port) -> Format.fprintf f "%a:%d" Eio.Net.Ipaddr.pp ip port
  | `Unix path -> Format.pp_print_string f path

(* One line on stderr, whatever the error's text holds. *)
let log fmt =
  Format.kasprintf
    (fun s -> prerr_endline (String.map (function '\n' -> ' ' | c -> c) s))
    fmt

(* One client's failure (a reset, a write to a client that left, an overlong
   line) ends that connection alone: it is logged, not raised, which would
   cancel the server. Cancellation, the server stopping, goes on up. The
   connection is closed by [run_server] when this returns. *)
let handle ~clock flow client =
  try echo ~clock flow with
  | Eio.Cancel.Cancelled _ as e -> raise e
  | e -> log "client %a: %s" pp_peer client (describe e)

let serve ~sw ~net ~clock ?(port = 0) () =
  (* port 0: the system picks a free port *)
  let socket =
    Eio.Net.listen ~sw ~backlog:4096 ~reuse_addr:true net (loopback port)
  in
  (* A daemon fiber: [sw] cancels it once its other fibers are done, which
     cancels every connection's fiber and closes its socket; [sw] then closes
     the listening socket. Eio's backends ignore SIGPIPE: a write to a client
     that has left fails with EPIPE. [handle] catches all but cancellation,
     which [run_server] does not pass on: [on_error] logs, should anything
     else escape a connection, rather than cancel the server. *)
  Eio.Fiber.fork_daemon ~sw (fun () ->
      Eio.Net.run_server socket (handle ~clock) ~on_error:(fun e ->
          log "client: %a" Eio.Exn.pp e));
  match Eio.Net.listening_addr socket with
  | `Tcp (_, port) -> port
  | `Unix _ -> assert false

let client ~net ~port ~id ~messages =
  Eio.Switch.run @@ fun sw ->
  let flow = Eio.Net.connect ~sw net (loopback port) in
  let reader = Eio.Buf_read.of_flow flow ~max_size:(max_line + 1) in
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
  let reader = Eio.Buf_read.of_flow flow ~max_size:(max_line + 1) in
  (* the timeout cancels the fiber blocked in the read *)
  match
    Eio.Time.with_timeout clock timeout (fun () ->
        Ok (Eio.Buf_read.line reader))
  with
  | Ok line -> `Answered line
  | Error `Timeout -> `Timed_out

let pinger ~sw ~net ~port =
  let flow = Eio.Net.connect ~sw net (loopback port) in
  let reader = Eio.Buf_read.of_flow flow ~max_size:(max_line + 1) in
  let count = ref 0 in
  fun () ->
    incr count;
    let message = Printf.sprintf "ping %d" !count in
    Eio.Flow.copy_string (message ^ "\n") flow;
    Eio.Buf_read.line reader = message
