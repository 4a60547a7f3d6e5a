// Builds each CPU-parallel starter in the forky chroot and runs it at its default
// size, printing the speedup table (median of RUNS runs). A benchmark, not a test.
//   node bench/starters.mjs [EXAMPLE...]   e.g. domains domains-domainslib (RUNS=5 by default)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";
import { examples } from "../scripts/examples.mjs";

const repo = fileURLToPath(new URL("..", import.meta.url));
const toolchain = join(repo, "scripts/forky-toolchain.sh");
const runs = Number(process.env.RUNS ?? 5);
const sh = (file, args, options = {}) => execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], ...options });

// every template and variant that runs the shared workload on this machine's cores
const catalog = JSON.parse(sh(process.execPath, [join(repo, "bin/create-ocaml-parallel.cjs"), "--list", "--json"]));
const wanted = process.argv.slice(2);
const chosen = examples().filter(({ folder }) => {
  const m = catalog.find((t) => folder === t.name || folder.startsWith(`${t.name}-`));
  return wanted.length ? wanted.includes(folder) : m.layers.includes("_workload") && m.system.length === 0;
});

sh("bash", [toolchain, "setup"]);
const root = sh("bash", [toolchain, "root"]).trim();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (const { folder, args } of chosen) {
  const outside = mkdtempSync(join(root, "work", `bench-${folder}-`));
  const inside = outside.slice(root.length);
  sh(process.execPath, [join(repo, "bin/create-ocaml-parallel.cjs"), ...args], { cwd: outside });
  try {
    sh("bash", [toolchain, "run", "bash", "-c", `cd ${inside}/${folder} && dune build --profile release 2>&1`]);
  } catch {
    rows.push([folder, "did not build here (libraries missing?)", "", "", "", ""]);
    continue;
  }
  const results = [];
  for (let i = 0; i < runs; i++) {
    const out = sh("bash", [toolchain, "run", "bash", "-c", `cd ${inside}/${folder} && ./_build/default/bin/main.exe`]);
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

console.log(`Starters at default size, median of ${runs} runs, ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${new Date().toISOString().slice(0, 10)}`);
console.log("| template | workers | sequential s | parallel s | speedup | answers agree |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
