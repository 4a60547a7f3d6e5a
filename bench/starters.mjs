// Builds each starter in the forky chroot and runs it, printing two tables: the
// CPU-parallel starters at their default size (sequential and parallel time, each the
// fastest of RUNS runs, as the starters' own `-r RUNS` and the compare bench measure), and
// the echo servers with 1000 concurrent clients of 5 messages each (median of RUNS runs),
// then the same load from this process against the starter's server mode (`-serve PORT`, on
// 127.0.0.1: the chroot shares this machine's network), alone and while rude clients
// (connect-and-reset, and senders that never read) keep coming.
// A benchmark, not a test: nothing here asserts a time.
//   node bench/starters.mjs [EXAMPLE...]   e.g. domains eio (RUNS=5 by default)
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import net from "node:net";
import { examples } from "../scripts/examples.mjs";
import { generateInForky, inForky, machine, toolchain } from "./forky.mjs";

const runs = Number(process.env.RUNS ?? 5);
const CLIENTS = ["-c", "1000", "-m", "5"];

const wanted = process.argv.slice(2);
const all = examples().filter(({ folder }) => !wanted.length || wanted.includes(folder));
// every template and variant that runs the shared workload, and every echo server
const cpu = all.filter(({ manifest: m }) => m.layers.includes("_workload"));
const echo = all.filter(({ manifest: m }) => "-c" in m.run.flags);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Builds the example (release profile) and runs it `times` times with `extra`, then
 * `after(folder inside the chroot, command)` if given; undefined if it did not build here.
 */
async function measure({ folder, args, manifest }, extra, times, after) {
  const [outside, inside] = generateInForky(`bench-${folder}-`, args);
  try {
    inForky(`cd ${inside}/${folder} && dune build --profile release 2>&1`);
  } catch {
    return undefined;
  }
  // the built executable itself, not `dune exec` (which would time dune too)
  const command = manifest.runCommand.replace("dune exec ./bin/main.exe --", "./_build/default/bin/main.exe");
  try {
    const outs = Array.from({ length: times }, () => inForky(`cd ${inside}/${folder} && ${command} ${extra.join(" ")} 2>/dev/null`));
    return { outs, served: after ? await after(`${inside}/${folder}`, command) : undefined };
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
}

const num = (out, re) => Number(out.match(re)?.[1]);

const cpuRows = [];
// what a starter measures beside the table (ctypes: its C on one thread and holding the runtime lock)
const cpuNotes = [];
for (const example of cpu) cpuRows.push(await cpuRow(example));

async function cpuRow(example) {
  const [out] = (await measure(example, ["-r", String(runs)], 1))?.outs ?? [];
  if (!out) return [example.folder, "did not build here (libraries missing?)", "", "", "", ""];
  const note = out.match(/^C on one thread: .*$/m)?.[0];
  if (note) cpuNotes.push(`${example.folder}: ${note}`);
  const seq = num(out, /sequential: \d+ in ([\d.]+) s/);
  const par = num(out, /parallel .*: \d+ in ([\d.]+) s/);
  return [
    example.folder,
    `${num(out, /\((?:.*), (\d+) workers?\)/)}`,
    seq.toFixed(3),
    par.toFixed(3),
    `${(seq / par).toFixed(2)}x`,
    /results agree: yes/.test(out) ? "yes" : "NO",
  ];
}

const echoRows = [];
for (const example of echo) echoRows.push(await echoRow(example));

async function echoRow(example) {
  // eio's starter also runs the CPU workload: keep it small here
  const extra = "-n" in example.manifest.run.flags ? [...CLIENTS, "-n", "1000"] : CLIENTS;
  const flag = example.manifest.run.serve?.flag;
  const measured = await measure(example, extra, runs, flag && ((dir, command) => served(dir, command, flag)));
  if (!measured) return [example.folder, "did not build here (libraries missing?)", "", "", "", ""];
  const seconds = measured.outs.map((out) => num(out, /echoes correct in ([\d.]+) s/));
  const correct = measured.outs.every((out) => /(\d+)\/\1 echoes correct/.test(out));
  const s = measured.served;
  return [
    example.folder,
    median(seconds).toFixed(3),
    correct ? "yes" : "NO",
    s ? s.alone.toFixed(3) : "no server mode",
    s ? `${s.withRude.toFixed(3)} (${s.rudeClients} rude)` : "",
    s ? (s.correct ? "yes" : "NO") : "",
  ];
}

// --- the server mode under load, from this process

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** One polite client: sends `lines` lines, half-closes, reads until the server closes; whether it got them all back. */
function politeClient(port, id) {
  const text = Array.from({ length: 5 }, (_, k) => `client ${id} message ${k}\n`).join("");
  return new Promise((resolve) => {
    let got = "";
    const socket = net.connect(port, "127.0.0.1", () => socket.end(text));
    socket.setEncoding("utf8");
    socket.on("data", (d) => (got += d));
    socket.on("close", () => resolve(got === text));
    socket.on("error", () => resolve(false));
    socket.setTimeout(30_000, () => socket.destroy());
  });
}

/** `CLIENTS` polite clients at once: [seconds until the last is done, whether every echo came back]. */
async function politeLoad(port) {
  const start = process.hrtime.bigint();
  const oks = await Promise.all(Array.from({ length: Number(CLIENTS[1]) }, (_, i) => politeClient(port, i)));
  return [Number(process.hrtime.bigint() - start) / 1e9, oks.every(Boolean)];
}

/**
 * Rude clients, 50 at a time until stopped, each loop pausing 10 ms between clients (at most
 * 5000 a second, so that they do not starve this process's polite clients of its event loop):
 * half reset at once, half send 64 KiB without reading and leave.
 */
function rudeLoad(port) {
  let stopped = false;
  let count = 0;
  const one = (k) =>
    new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        if (k % 2) socket.resetAndDestroy();
        else socket.write("x".repeat(1 << 16), () => setTimeout(() => socket.destroy(), 20));
      });
      socket.on("error", () => {});
      socket.on("close", resolve);
    });
  const loops = Array.from({ length: 50 }, async (_, k) => {
    while (!stopped) {
      await one(k);
      count++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
  return async () => {
    stopped = true;
    await Promise.all(loops);
    return count;
  };
}

/** Starts `command FLAG PORT` in the chroot, loads it alone and with rude clients, then stops it with SIGTERM. */
async function served(dir, command, flag) {
  const port = await freePort();
  const server = spawn("bash", [toolchain, "run", "bash", "-c", `cd ${dir} && exec ${command} ${flag} ${port} 2>/dev/null`], {
    detached: true,
    stdio: ["ignore", "pipe", "ignore"],
  });
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command} ${flag}: no "listening on" line in 30 s`)), 30_000);
      server.stdout.on("data", (d) => {
        if (!/listening on/.test(String(d))) return;
        clearTimeout(timer);
        resolve();
      });
      server.on("exit", () => reject(new Error(`${command} ${flag} exited before listening`)));
    });
    const [alone, aloneOk] = await politeLoad(port);
    const stopRude = rudeLoad(port);
    const [withRude, rudeOk] = await politeLoad(port);
    const rudeClients = await stopRude();
    return { alone, withRude, rudeClients, correct: aloneOk && rudeOk };
  } finally {
    // every process of the run (the chroot's wrapper and the server): SIGTERM, then SIGKILL after 3 s
    const exited = new Promise((resolve) => (server.exitCode === null ? server.on("exit", resolve) : resolve()));
    const kill = (signal) => {
      try {
        process.kill(-server.pid, signal);
      } catch {
        // gone already
      }
    };
    kill("SIGTERM");
    const timer = setTimeout(() => kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  }
}

console.log(`Starters, ${machine()}`);
console.log(`\nCPU work at the default size, fastest of ${runs} runs (-r ${runs}):\n`);
console.log("| template | workers | sequential s | parallel s | speedup | answers agree |");
console.log("|---|---|---|---|---|---|");
for (const r of cpuRows) console.log(`| ${r.join(" | ")} |`);
if (cpuNotes.length) console.log(`\n${cpuNotes.join("\n")}`);
console.log(`\nEcho servers, ${CLIENTS[1]} concurrent clients x ${CLIENTS[3]} messages: the starter's own run (median of ${runs} runs),`);
console.log("then this process's clients against its server mode, alone and while rude clients come and go (one run each):\n");
console.log("| template | own run, s | every echo correct | -serve, s | -serve with rude clients, s | every echo correct |");
console.log("|---|---|---|---|---|---|");
for (const r of echoRows) console.log(`| ${r.join(" | ")} |`);
