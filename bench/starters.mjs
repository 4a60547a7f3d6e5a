// Builds each CPU-parallel starter in the forky chroot and runs it at its default
// size, printing the speedup table (median of RUNS runs). A benchmark, not a test.
//   node bench/starters.mjs [TEMPLATE...]      (RUNS=5 by default)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";

const repo = fileURLToPath(new URL("..", import.meta.url));
const toolchain = join(repo, "scripts/forky-toolchain.sh");
const runs = Number(process.env.RUNS ?? 5);
const sh = (file, args) => execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

const manifests = readdirSync(join(repo, "templates"))
  .filter((t) => !t.startsWith("_"))
  .map((t) => JSON.parse(readFileSync(join(repo, "templates", t, "template.json"), "utf8")));
const wanted = process.argv.slice(2);
// the starters that run the shared workload on this machine's cores
const chosen = manifests.filter((m) => (wanted.length ? wanted.includes(m.name) : m.layers.includes("_workload") && m.system.length === 0));

sh("bash", [toolchain, "setup"]);
const root = sh("bash", [toolchain, "root"]).trim();
const installed = new Set(sh("bash", [toolchain, "run", "ocamlfind", "list"]).split("\n").map((l) => l.split(" ")[0]));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (const m of chosen) {
  const libs = Object.values(m.dune).flat().filter((l) => l !== "unix");
  if (!libs.every((l) => installed.has(l))) {
    rows.push([m.name, "libraries not in the chroot", "", "", ""]);
    continue;
  }
  const outside = mkdtempSync(join(root, "work", `bench-${m.name}-`));
  const inside = outside.slice(root.length);
  sh(process.execPath, [join(repo, "bin/create-ocaml-parallel.mjs"), join(outside, "p"), "-t", m.name, "--yes", "--no-git", "--name", "bench"]);
  sh("bash", [toolchain, "run", "bash", "-c", `cd ${inside}/p && dune build --profile release 2>&1`]);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const out = sh("bash", [toolchain, "run", "bash", "-c", `cd ${inside}/p && ./_build/default/bin/main.exe`]);
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
  rows.push([m.name, `${results[0].workers}`, seq.toFixed(3), par.toFixed(3), `${median(results.map((r) => r.seq / r.par)).toFixed(2)}x`, results.every((r) => r.agree) ? "yes" : "NO"]);
}

console.log(`Starters at default size, median of ${runs} runs, ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${new Date().toISOString().slice(0, 10)}`);
console.log("| template | workers | sequential s | parallel s | speedup | answers agree |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
