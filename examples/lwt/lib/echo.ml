(* A TCP echo server and its clients in Lwt's promise style. Every function
   returns at once with a promise; [let*] chains promises, [Lwt.all] waits for
   many, [Lwt.pick] keeps the first and cancels the others. One system thread
   runs them all: concurrency for I/O, not parallelism. *)

open Lwt.Syntax

let slow_request = "please take your time"

(* Echoes each line back until the client hangs up. The slow request gets
   its answer after 10 s: long enough for a client's timeout to fire first. *)
let rec echo ic oc =
  let* line = Lwt_io.read_line_opt ic in
  match line with
  | None -> Lwt.return_unit
  | Some line ->
      let* () =
        if line = slow_request then Lwt_unix.sleep 10. else Lwt.return_unit
      in
      let* () = Lwt_io.write_line oc line in
      echo ic oc

let serve () =
  (* port 0: the system picks a free port, read back from the socket *)
  let fd = Lwt_unix.socket Unix.PF_INET Unix.SOCK_STREAM 0 in
  let address = Unix.ADDR_INET (Unix.inet_addr_loopback, 0) in
  let* server =
    Lwt_io.establish_server_with_client_address ~fd address
      (fun _client (ic, oc) -> echo ic oc)
  in
  match Lwt_unix.getsockname fd with
  | Unix.ADDR_INET (_, port) -> Lwt.return (server, port)
  | Unix.ADDR_UNIX _ -> assert false

let address port = Unix.ADDR_INET (Unix.inet_addr_loopback, port)

let client ~port ~id ~messages =
  Lwt_io.with_connection (address port) (fun (ic, oc) ->
      let rec exchange k correct =
        if k = messages then Lwt.return correct
        else
          let message = Printf.sprintf "client %d message %d" id k in
          let* () = Lwt_io.write_line oc message in
          let* reply = Lwt_io.read_line_opt ic in
          exchange (k + 1)
            (if reply = Some message then correct + 1 else correct)
      in
      exchange 0 0)

let run_clients ~port ~clients ~messages =
  let+ counts =
    Lwt.all (List.init clients (fun id -> client ~port ~id ~messages))
  in
  List.fold_left ( + ) 0 counts

let request_with_timeout ~port ~timeout =
  Lwt_io.with_connection (address port) (fun (ic, oc) ->
      let* () = Lwt_io.write_line oc slow_request in
      (* whichever resolves first wins; Lwt.pick cancels the other *)
      Lwt.pick
        [
          (let+ reply = Lwt_io.read_line_opt ic in
           `Answered reply);
          (let+ () = Lwt_unix.sleep timeout in
           `Timed_out);
        ])
