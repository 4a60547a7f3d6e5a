(* Clients that misbehave are cut off and the server keeps serving: every
   polite client gets every echo back, and the timeout cancels the slow
   request. *)

open Lwt.Syntax
open Lwt_starter

let address port = Unix.ADDR_INET (Unix.inet_addr_loopback, port)
let leave (ic, oc) = Lwt.join [ Lwt_io.abort ic; Lwt_io.abort oc ]

(* Sends lines for a moment without reading the echoes, then leaves: the
   unread echoes make its close a reset, under the server's writes. *)
let never_reads port =
  let* ic, oc = Lwt_io.open_connection (address port) in
  let rec send () =
    let* () = Lwt_io.write_line oc "a line whose echo is never read" in
    send ()
  in
  let* () = Lwt.pick [ send (); Lwt_unix.sleep 0.2 ] in
  leave (ic, oc)

(* Sends 1 MiB without a newline: the server must cut it off (an end of file
   or a reset), not wait for the end of the line. *)
let endless_line port =
  let* ic, oc = Lwt_io.open_connection (address port) in
  let* cut_off =
    Lwt.catch
      (fun () ->
        let* () = Lwt_io.write oc (String.make (1 lsl 20) 'x') in
        let* () = Lwt_io.flush oc in
        let+ reply = Lwt_io.read_line_opt ic in
        reply = None)
      (function Unix.Unix_error _ -> Lwt.return_true | e -> raise e)
  in
  let+ () = leave (ic, oc) in
  cut_off

let () =
  let ok =
    Lwt_main.run
      (let* server = Echo.serve () in
       let port = Echo.port server in
       let* () = never_reads port in
       let* cut_off = endless_line port in
       let* correct = Echo.run_clients ~port ~clients:20 ~messages:5 in
       let* outcome = Echo.request_with_timeout ~port ~timeout:0.05 in
       let+ () = Echo.shutdown server in
       if not cut_off then print_endline "FAIL: an endless line was not cut off";
       if correct <> 100 then Printf.printf "FAIL: %d/100 echoes\n" correct;
       if outcome <> `Timed_out then print_endline "FAIL: no timeout";
       cut_off && correct = 100 && outcome = `Timed_out)
  in
  if not ok then exit 1;
  print_endline
    "a client that never read and an endless line were cut off; 20 clients got \
     their 100 echoes; the slow request timed out"
