// Builds each CPU-parallel starter in the forky chroot and runs it at its default
// size, printing the speedup table (median of RUNS runs). A benchmark, not a test.
//   node bench/starters.mjs [EXAMPLE...]   e.g. domains domains-domainslib (RUNS=5 by default)
import { rmSync } from "node:fs";
import { examples } from "../scripts/examples.mjs";
import { generateInForky, inForky, machine } from "./forky.mjs";

const runs = Number(process.env.RUNS ?? 5);

// every template and variant that runs the shared workload on this machine's cores
const wanted = process.argv.slice(2);
const chosen = examples().filter(({ folder, manifest: m }) =>
  wanted.length ? wanted.includes(folder) : m.layers.includes("_workload") && m.system.length === 0,
);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (const { folder, args } of chosen) {
  const [outside, inside] = generateInForky(`bench-${folder}-`, args);
  try {
    inForky(`cd ${inside}/${folder} && dune build --profile release 2>&1`);
  } catch {
    rmSync(outside, { recursive: true, force: true });
    rows.push([folder, "did not build here (libraries missing?)", "", "", "", ""]);
    continue;
  }
  const results = [];
  for (let i = 0; i < runs; i++) {
    const out = inForky(`cd ${inside}/${folder} && ./_build/default/bin/main.exe`);
    const num = (re) => Number(out.match(re)?.[1]);
    results.push({
      seq: num(/sequential: \d+ in ([\d.]+) s/),
      par: num(/parallel .*: \d+ in ([\d.]+) s/),
      workers: num(/\((?:.*), (\d+) workers\)/),
      agree: /results agree: yes/.test(out),
    });
  }
  const seq = median(results.map((r) => r.seq));
  const par = median(results.map((r) => r.par));
  rmSync(outside, { recursive: true, force: true });
  rows.push([folder, `${results[0].workers}`, seq.toFixed(3), par.toFixed(3), `${median(results.map((r) => r.seq / r.par)).toFixed(2)}x`, results.every((r) => r.agree) ? "yes" : "NO"]);
}

console.log(`Starters at default size, median of ${runs} runs, ${machine()}`);
console.log("| template | workers | sequential s | parallel s | speedup | answers agree |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
