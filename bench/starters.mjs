// Builds each starter in the forky chroot and runs it, printing two tables: the
// CPU-parallel starters at their default size (sequential and parallel time, each the
// fastest of RUNS runs, as the starters' own `-r RUNS` and the compare bench measure), and
// the echo servers with 1000 concurrent clients of 5 messages each (median of RUNS runs).
// A benchmark, not a test: nothing here asserts a time.
//   node bench/starters.mjs [EXAMPLE...]   e.g. domains eio (RUNS=5 by default)
import { rmSync } from "node:fs";
import { examples } from "../scripts/examples.mjs";
import { generateInForky, inForky, machine } from "./forky.mjs";

const runs = Number(process.env.RUNS ?? 5);
const CLIENTS = ["-c", "1000", "-m", "5"];

const wanted = process.argv.slice(2);
const all = examples().filter(({ folder }) => !wanted.length || wanted.includes(folder));
// every template and variant that runs the shared workload, and every echo server
const cpu = all.filter(({ manifest: m }) => m.layers.includes("_workload"));
const echo = all.filter(({ manifest: m }) => "-c" in m.run.flags);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Builds the example (release profile) and runs it `times` times with `extra`; undefined if it did not build here. */
function measure({ folder, args, manifest }, extra, times) {
  const [outside, inside] = generateInForky(`bench-${folder}-`, args);
  try {
    inForky(`cd ${inside}/${folder} && dune build --profile release 2>&1`);
  } catch {
    return undefined;
  }
  // the built executable itself, not `dune exec` (which would time dune too)
  const command = manifest.runCommand.replace("dune exec ./bin/main.exe --", "./_build/default/bin/main.exe");
  try {
    return Array.from({ length: times }, () => inForky(`cd ${inside}/${folder} && ${command} ${extra.join(" ")} 2>/dev/null`));
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
}

const num = (out, re) => Number(out.match(re)?.[1]);

const cpuRows = cpu.map((example) => {
  const [out] = measure(example, ["-r", String(runs)], 1) ?? [];
  if (!out) return [example.folder, "did not build here (libraries missing?)", "", "", "", ""];
  const seq = num(out, /sequential: \d+ in ([\d.]+) s/);
  const par = num(out, /parallel .*: \d+ in ([\d.]+) s/);
  return [
    example.folder,
    `${num(out, /\((?:.*), (\d+) workers\)/)}`,
    seq.toFixed(3),
    par.toFixed(3),
    `${(seq / par).toFixed(2)}x`,
    /results agree: yes/.test(out) ? "yes" : "NO",
  ];
});

const echoRows = echo.map((example) => {
  // eio's starter also runs the CPU workload: keep it small here
  const extra = "-n" in example.manifest.run.flags ? [...CLIENTS, "-n", "1000"] : CLIENTS;
  const outs = measure(example, extra, runs);
  if (!outs) return [example.folder, "did not build here (libraries missing?)", ""];
  const seconds = outs.map((out) => num(out, /echoes correct in ([\d.]+) s/));
  const correct = outs.every((out) => /(\d+)\/\1 echoes correct/.test(out));
  return [example.folder, median(seconds).toFixed(3), correct ? "yes" : "NO"];
});

console.log(`Starters, ${machine()}`);
console.log(`\nCPU work at the default size, fastest of ${runs} runs (-r ${runs}):\n`);
console.log("| template | workers | sequential s | parallel s | speedup | answers agree |");
console.log("|---|---|---|---|---|---|");
for (const r of cpuRows) console.log(`| ${r.join(" | ")} |`);
console.log(`\nEcho servers, ${CLIENTS[1]} concurrent clients x ${CLIENTS[3]} messages, median of ${runs} runs:\n`);
console.log("| template | seconds | every echo correct |");
console.log("|---|---|---|");
for (const r of echoRows) console.log(`| ${r.join(" | ")} |`);
