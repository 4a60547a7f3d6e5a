(* A TCP echo server and its clients on libuv's event loop, through Luv.
   Nothing blocks and nothing returns a promise: each operation takes a
   callback that the loop calls when it completes, so a sequence of steps is
   a chain of callbacks. One thread runs the loop: concurrency for I/O, not
   parallelism. [Luv.Loop.run] returns once no handle is active. *)

let slow_request = "please take your time"

(* libuv reports failures as results; here they are programming errors *)
let ok = function Ok v -> v | Error e -> failwith (Luv.Error.strerror e)
let address port = ok (Luv.Sockaddr.ipv4 "127.0.0.1" port)

let write stream line =
  Luv.Stream.write stream
    [ Luv.Buffer.from_string (line ^ "\n") ]
    (fun _ _ -> ())

(* TCP delivers bytes, not messages: calls [on_line] for each complete line
   read, and [on_end] when the peer hangs up (or the connection fails). *)
let read_lines stream ~on_line ~on_end =
  let pending = Buffer.create 64 in
  Luv.Stream.read_start stream (function
    | Error _ -> on_end ()
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
        split (String.split_on_char '\n' (Buffer.contents pending)))

type server = Luv.TCP.t

(* Echoes each line back. The slow request is answered after 10 s by a
   timer; the timers of a connection are closed when its client hangs up. *)
let handle client =
  let timers = ref [] in
  read_lines client
    ~on_line:(fun line ->
      if line <> slow_request then write client line
      else
        let timer = ok (Luv.Timer.init ()) in
        timers := timer :: !timers;
        ok (Luv.Timer.start timer 10_000 (fun () -> write client line)))
    ~on_end:(fun () ->
      List.iter (fun timer -> Luv.Handle.close timer ignore) !timers;
      Luv.Handle.close client ignore)

let serve () =
  let server = ok (Luv.TCP.init ()) in
  (* port 0: the system picks a free port, read back from the socket *)
  ok (Luv.TCP.bind server (address 0));
  Luv.Stream.listen server (fun result ->
      ok result;
      let client = ok (Luv.TCP.init ()) in
      ok (Luv.Stream.accept ~server ~client);
      handle client);
  match Luv.Sockaddr.port (ok (Luv.TCP.getsockname server)) with
  | Some port -> (server, port)
  | None -> failwith "the server has no port"

let shutdown server = Luv.Handle.close server ignore

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
      read_lines socket
        ~on_line:(fun reply ->
          if reply = !expected then incr correct;
          incr sent;
          if !sent < messages then expected := send () else finish ())
        ~on_end:finish)

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
      read_lines socket
        ~on_line:(fun reply -> decide (`Answered (Some reply)))
        ~on_end:(fun () -> decide (`Answered None)))
