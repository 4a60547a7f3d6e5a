(* A TCP echo server and its clients on libuv's event loop, through Luv.
   Nothing blocks and nothing returns a promise: each operation takes a
   callback that the loop calls when it completes, so a sequence of steps is
   a chain of callbacks. One thread runs the loop: concurrency for I/O, not
   parallelism. [Luv.Loop.run] returns once no handle is active. *)

let slow_request = "please take your time"
let max_line = 65536

(* libuv reports failures as results; setting up a socket or a timer here
   fails only on a programming error *)
let ok = function Ok v -> v | Error e -> failwith (Luv.Error.strerror e)
let address port = ok (Luv.Sockaddr.ipv4 "127.0.0.1" port)

(* TCP delivers bytes, not messages: the callback for [Luv.Stream.read_start]
   that calls [on_line] for each complete line read, and [on_end] when the
   peer hangs up ([None]) or the connection fails ([Some error]). A line
   longer than [max_line] is an error: without a bound, a peer sending an
   endless line would grow the buffer without limit. *)
let line_reader ~on_line ~on_end =
  let pending = Buffer.create 64 in
  function
  | Error `EOF -> on_end None
  | Error e -> on_end (Some ("read: " ^ Luv.Error.strerror e))
  | Ok data ->
      Buffer.add_string pending (Luv.Buffer.to_string data);
      let rec split = function
        | [ incomplete ] ->
            Buffer.clear pending;
            Buffer.add_string pending incomplete
        | line :: rest ->
            on_line line;
            split rest
        | [] -> ()
      in
      split (String.split_on_char '\n' (Buffer.contents pending));
      if Buffer.length pending > max_line then
        on_end (Some (Printf.sprintf "a line longer than %d bytes" max_line))

let peer client =
  match Luv.TCP.getpeername client with
  | Error e -> Luv.Error.strerror e
  | Ok a -> (
      match (Luv.Sockaddr.to_string a, Luv.Sockaddr.port a) with
      | Some host, Some port -> Printf.sprintf "%s:%d" host port
      | _ -> "?")

type server = {
  listening : Luv.TCP.t;
  port : int;
  connections : (int, unit -> unit) Hashtbl.t; (* how to close each one *)
}

(* Echoes each line back. The slow request is answered after 10 s by a
   timer; the timers of a connection are closed when it ends. One client's
   failure (a reset, a write to a client that has left, an overlong line) is
   logged and closes that connection alone. libuv queues every write in
   memory: while the client leaves [max_line] bytes of echoes unread, the
   server stops reading from it. *)
let handle connections id client =
  let peer = peer client in
  let timers = ref [] and unsent = ref 0 and reading = ref true in
  let closed = ref false in
  let close () =
    if not !closed then (
      closed := true;
      Hashtbl.remove connections id;
      List.iter (fun timer -> Luv.Handle.close timer ignore) !timers;
      Luv.Handle.close client ignore)
  in
  let fail error =
    if not !closed then Printf.eprintf "client %s: %s\n%!" peer error;
    close ()
  in
  let resume = ref ignore in
  let echo line =
    if not !closed then (
      let bytes = String.length line + 1 in
      unsent := !unsent + bytes;
      Luv.Stream.write client
        [ Luv.Buffer.from_string (line ^ "\n") ]
        (fun result _ ->
          unsent := !unsent - bytes;
          match result with
          | Error e -> fail ("write: " ^ Luv.Error.strerror e)
          | Ok () -> if (not !reading) && !unsent < max_line then !resume ());
      if !reading && !unsent >= max_line then (
        reading := false;
        ignore (Luv.Stream.read_stop client)))
  in
  let on_data =
    line_reader
      ~on_line:(fun line ->
        if line <> slow_request then echo line
        else
          let timer = ok (Luv.Timer.init ()) in
          timers := timer :: !timers;
          ok (Luv.Timer.start timer 10_000 (fun () -> echo line)))
      ~on_end:(function
        | Some error -> fail error
        | None ->
            (* the echoes already queued are sent before the connection
               closes: [shutdown] waits for them *)
            Luv.Stream.shutdown client (fun _ -> close ()))
  in
  (resume :=
     fun () ->
       reading := true;
       Luv.Stream.read_start client on_data);
  Hashtbl.replace connections id close;
  Luv.Stream.read_start client on_data

let serve ?(port = 0) () =
  (* libuv does not ignore SIGPIPE: a write to a client that has left would
     kill the process instead of failing with EPIPE. *)
  if not Sys.win32 then Sys.set_signal Sys.sigpipe Sys.Signal_ignore;
  let listening = ok (Luv.TCP.init ()) in
  let connections = Hashtbl.create 64 and next_id = ref 0 in
  (* port 0: the system picks a free port, read back from the socket *)
  ok (Luv.TCP.bind listening (address port));
  Luv.Stream.listen listening (function
    | Error e -> prerr_endline ("accept: " ^ Luv.Error.strerror e)
    | Ok () -> (
        let client = ok (Luv.TCP.init ()) in
        match Luv.Stream.accept ~server:listening ~client with
        | Error e ->
            prerr_endline ("accept: " ^ Luv.Error.strerror e);
            Luv.Handle.close client ignore
        | Ok () ->
            incr next_id;
            handle connections !next_id client));
  match Luv.Sockaddr.port (ok (Luv.TCP.getsockname listening)) with
  | Some port -> { listening; port; connections }
  | None -> failwith "the server has no port"

let port server = server.port

let shutdown server =
  Luv.Handle.close server.listening ignore;
  (* a copy: each connection removes itself from the table as it closes *)
  Hashtbl.fold (fun _ close l -> close :: l) server.connections []
  |> List.iter (fun close -> close ())

let write stream line =
  Luv.Stream.write stream
    [ Luv.Buffer.from_string (line ^ "\n") ]
    (fun _ _ -> ())

let connect port k =
  let socket = ok (Luv.TCP.init ()) in
  Luv.TCP.connect socket (address port) (fun result ->
      ok result;
      k socket)

let client ~port ~id ~messages k =
  connect port (fun socket ->
      let correct = ref 0 and sent = ref 0 in
      let send () =
        let message = Printf.sprintf "client %d message %d" id !sent in
        write socket message;
        message
      in
      let expected = ref (send ()) in
      let finish () = Luv.Handle.close socket (fun () -> k !correct) in
      Luv.Stream.read_start socket
        (line_reader
           ~on_line:(fun reply ->
             if reply = !expected then incr correct;
             incr sent;
             if !sent < messages then expected := send () else finish ())
           ~on_end:(fun _ -> finish ())))

let run_clients ~port ~clients ~messages k =
  let finished = ref 0 and total = ref 0 in
  for id = 0 to clients - 1 do
    client ~port ~id ~messages (fun correct ->
        total := !total + correct;
        incr finished;
        if !finished = clients then k !total)
  done

let request_with_timeout ~port ~timeout k =
  connect port (fun socket ->
      let timer = ok (Luv.Timer.init ()) in
      let decided = ref false in
      (* the reply and the timer race: the first one decides, the other is dropped *)
      let decide outcome =
        if not !decided then (
          decided := true;
          Luv.Handle.close timer ignore;
          Luv.Handle.close socket (fun () -> k outcome))
      in
      write socket slow_request;
      ok
        (Luv.Timer.start timer
           (int_of_float (timeout *. 1000.))
           (fun () -> decide `Timed_out));
      Luv.Stream.read_start socket
        (line_reader
           ~on_line:(fun reply -> decide (`Answered (Some reply)))
           ~on_end:(fun _ -> decide (`Answered None))))
