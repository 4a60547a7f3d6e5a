(* Clients that misbehave are cut off and the server keeps serving: every
   polite client gets every echo back, and the timeout cancels the slow
   request. *)

open Luv_starter

let connect port k =
  let socket = Result.get_ok (Luv.TCP.init ()) in
  let address = Result.get_ok (Luv.Sockaddr.ipv4 "127.0.0.1" port) in
  Luv.TCP.connect socket address (fun result ->
      Result.get_ok result;
      k socket)

let send socket data =
  Luv.Stream.write socket [ Luv.Buffer.from_string data ] (fun _ _ -> ())

(* Sends lines for a moment without reading the echoes, then leaves: the
   unread echoes make its close a reset, under the server's writes. *)
let never_reads port k =
  connect port (fun socket ->
      send socket
        (String.concat ""
           (List.init 50_000 (fun _ -> "a line whose echo is never read\n")));
      let timer = Result.get_ok (Luv.Timer.init ()) in
      Result.get_ok
        (Luv.Timer.start timer 200 (fun () ->
             Luv.Handle.close timer ignore;
             Luv.Handle.close socket k)))

(* Sends 1 MiB without a newline: the server must cut it off (an end of file
   or a reset) within 5 s, not wait for the end of the line. *)
let endless_line port k =
  connect port (fun socket ->
      let timer = Result.get_ok (Luv.Timer.init ()) in
      let finish cut_off =
        Luv.Handle.close timer ignore;
        Luv.Handle.close socket (fun () -> k cut_off)
      in
      Result.get_ok (Luv.Timer.start timer 5_000 (fun () -> finish false));
      send socket (String.make (1 lsl 20) 'x');
      Luv.Stream.read_start socket (function
        | Ok _ -> ()
        | Error _ -> finish true))

let () =
  let server = Echo.serve () in
  let port = Echo.port server in
  let result = ref None in
  never_reads port (fun () ->
      endless_line port (fun cut_off ->
          Echo.run_clients ~port ~clients:20 ~messages:5 (fun correct ->
              Echo.request_with_timeout ~port ~timeout:0.05 (fun outcome ->
                  Echo.shutdown server;
                  result := Some (cut_off, correct, outcome)))));
  ignore (Luv.Loop.run () : bool);
  match !result with
  | Some (true, 100, `Timed_out) ->
      print_endline
        "a client that never read and an endless line were cut off; 20 clients \
         got their 100 echoes; the slow request timed out"
  | Some (cut_off, correct, outcome) ->
      Printf.printf "FAIL: %s, %d/100 echoes, %s\n"
        (if cut_off then "cut off" else "an endless line was not cut off")
        correct
        (if outcome = `Timed_out then "timed out" else "no timeout");
      exit 1
  | None ->
      print_endline "FAIL: the loop ended before the clients did";
      exit 1
