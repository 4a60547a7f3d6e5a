// Builds each starter in the forky chroot and runs it, printing two tables (median of
// RUNS runs): the CPU-parallel starters at their default size (sequential time, parallel
// time, speedup), and the echo servers with 1000 concurrent clients of 5 messages each.
// A benchmark, not a test: nothing here asserts a time.
//   node bench/starters.mjs [EXAMPLE...]   e.g. domains eio (RUNS=5 by default)
import { rmSync } from "node:fs";
import { examples } from "../scripts/examples.mjs";
import { generateInForky, inForky, machine } from "./forky.mjs";

const runs = Number(process.env.RUNS ?? 5);
const CLIENTS = ["-c", "1000", "-m", "5"];
// Open MPI as root (this bench runs where the tests do) and without the chroot's /sys
const MPI_AS_ROOT =
  "export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 PRTE_ALLOW_RUN_AS_ROOT=1 PRTE_ALLOW_RUN_AS_ROOT_CONFIRM=1 UCX_LOG_LEVEL=fatal HWLOC_HIDE_ERRORS=1";

const wanted = process.argv.slice(2);
const all = examples().filter(({ folder }) => !wanted.length || wanted.includes(folder));
// every template and variant that runs the shared workload, and every echo server
const cpu = all.filter(({ manifest: m }) => m.layers.includes("_workload"));
const echo = all.filter(({ manifest: m }) => "-c" in m.run.flags);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Builds the example (release profile) and runs it `runs` times with `args`; undefined if it did not build here. */
function measure({ folder, args, manifest }, extra) {
  const [outside, inside] = generateInForky(`bench-${folder}-`, args);
  try {
    inForky(`cd ${inside}/${folder} && dune build --profile release 2>&1`);
  } catch {
    return undefined;
  }
  // the built executable itself, not `dune exec` (which would time dune too)
  const command = manifest.runCommand.replace("dune exec ./bin/main.exe --", "./_build/default/bin/main.exe");
  try {
    return Array.from({ length: runs }, () => inForky(`${MPI_AS_ROOT}; cd ${inside}/${folder} && ${command} ${extra.join(" ")} 2>/dev/null`));
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
}

const num = (out, re) => Number(out.match(re)?.[1]);

const cpuRows = cpu.map((example) => {
  const outs = measure(example, []);
  if (!outs) return [example.folder, "did not build here (libraries missing?)", "", "", "", ""];
  const results = outs.map((out) => ({
    seq: num(out, /sequential: \d+ in ([\d.]+) s/),
    par: num(out, /parallel .*: \d+ in ([\d.]+) s/),
    workers: num(out, /\((?:.*), (\d+) workers\)/),
    agree: /results agree: yes/.test(out),
  }));
  const { workers } = results[0];
  return [example.folder, `${workers}`, median(results.map((r) => r.seq)).toFixed(3), median(results.map((r) => r.par)).toFixed(3),
    `${median(results.map((r) => r.seq / r.par)).toFixed(2)}x`, results.every((r) => r.agree) ? "yes" : "NO"];
});

const echoRows = echo.map((example) => {
  // eio's starter also runs the CPU workload: keep it small here
  const extra = "-n" in example.manifest.run.flags ? [...CLIENTS, "-n", "1000"] : CLIENTS;
  const outs = measure(example, extra);
  if (!outs) return [example.folder, "did not build here (libraries missing?)", ""];
  const seconds = outs.map((out) => num(out, /echoes correct in ([\d.]+) s/));
  const correct = outs.every((out) => /(\d+)\/\1 echoes correct/.test(out));
  return [example.folder, median(seconds).toFixed(3), correct ? "yes" : "NO"];
});

console.log(`Starters, median of ${runs} runs, ${machine()}`);
console.log("\nCPU work at the default size:\n");
console.log("| template | workers | sequential s | parallel s | speedup | answers agree |");
console.log("|---|---|---|---|---|---|");
for (const r of cpuRows) console.log(`| ${r.join(" | ")} |`);
console.log(`\nEcho servers, ${CLIENTS[1]} concurrent clients x ${CLIENTS[3]} messages:\n`);
console.log("| template | seconds | every echo correct |");
console.log("|---|---|---|");
for (const r of echoRows) console.log(`| ${r.join(" | ")} |`);
