(* A TCP echo server and its clients in Lwt's promise style. Every function
   returns at once with a promise; [let*] chains promises, [Lwt.all] waits for
   many, [Lwt.pick] keeps the first and cancels the others. One system thread
   runs them all: concurrency for I/O, not parallelism. *)

open Lwt.Syntax

let slow_request = "please take your time"
let max_line = 65536

exception Line_too_long

(* Lwt_io.read_line has no bound: a client sending an endless line would grow
   the server's memory without limit. This one stops at [max_line] bytes. *)
let read_line ic =
  let line = Buffer.create 80 in
  let rec next () =
    let* c = Lwt_io.read_char_opt ic in
    match c with
    | Some '\n' -> Lwt.return_some (Buffer.contents line)
    | None when Buffer.length line = 0 -> Lwt.return_none
    | None -> Lwt.return_some (Buffer.contents line)
    | Some _ when Buffer.length line = max_line -> raise Line_too_long
    | Some c ->
        Buffer.add_char line c;
        next ()
  in
  next ()

(* Echoes each line back until the client hangs up. The slow request gets
   its answer after 10 s: long enough for a client's timeout to fire first. *)
let rec echo ic oc =
  let* line = read_line ic in
  match line with
  | None -> Lwt.return_unit
  | Some line ->
      let* () =
        if line = slow_request then Lwt_unix.sleep 10. else Lwt.return_unit
      in
      let* () = Lwt_io.write_line oc line in
      echo ic oc

let describe = function
  | Unix.Unix_error (e, call, _) ->
      Printf.sprintf "%s: %s" call (Unix.error_message e)
  | Line_too_long -> Printf.sprintf "a line longer than %d bytes" max_line
  | e -> Printexc.to_string e

let peer = function
  | Unix.ADDR_INET (a, port) ->
      Printf.sprintf "%s:%d" (Unix.string_of_inet_addr a) port
  | Unix.ADDR_UNIX path -> path

type server = {
  listening : Lwt_io.server;
  port : int;
  open_channels : (int, Lwt_io.input_channel * Lwt_io.output_channel) Hashtbl.t;
}

(* One client's failure (a reset, a write to a client that left, an overlong
   line) ends that connection alone: it is logged here, never passed on to
   [Lwt.async_exception_hook], which would exit the program. *)
let connection open_channels id client (ic, oc) =
  Hashtbl.replace open_channels id (ic, oc);
  Lwt.finalize
    (fun () ->
      Lwt.catch
        (fun () ->
          let* () = echo ic oc in
          (* flushes the last echoes before the socket closes *)
          Lwt_io.close oc)
        (function
          | Lwt_io.Channel_closed _ -> Lwt.return_unit (* by [shutdown] *)
          | e -> Lwt_io.eprintlf "client %s: %s" (peer client) (describe e)))
    (fun () ->
      Hashtbl.remove open_channels id;
      Lwt.return_unit)

let serve ?(port = 0) () =
  (* Lwt does not ignore SIGPIPE: a write to a client that has left would
     kill the process instead of failing with EPIPE. *)
  if not Sys.win32 then Sys.set_signal Sys.sigpipe Sys.Signal_ignore;
  let open_channels = Hashtbl.create 64 and next_id = ref 0 in
  (* port 0: the system picks a free port, read back from the socket *)
  let fd = Lwt_unix.socket Unix.PF_INET Unix.SOCK_STREAM 0 in
  let address = Unix.ADDR_INET (Unix.inet_addr_loopback, port) in
  let* listening =
    Lwt_io.establish_server_with_client_address ~fd address (fun client ->
        incr next_id;
        connection open_channels !next_id client)
  in
  match Lwt_unix.getsockname fd with
  | Unix.ADDR_INET (_, port) -> Lwt.return { listening; port; open_channels }
  | Unix.ADDR_UNIX _ -> assert false

let port server = server.port

let shutdown server =
  let* () = Lwt_io.shutdown_server server.listening in
  (* a copy: each connection removes itself from the table as it ends *)
  let channels = Hashtbl.fold (fun _ c l -> c :: l) server.open_channels [] in
  (* aborting wakes a write blocked on a client that does not read, which
     would otherwise also hold up Lwt's flush of every channel at exit *)
  Lwt_list.iter_p
    (fun (ic, oc) ->
      Lwt.catch
        (fun () -> Lwt.join [ Lwt_io.abort ic; Lwt_io.abort oc ])
        (fun _ -> Lwt.return_unit))
    channels

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
