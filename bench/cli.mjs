// The cost of `npm create ocaml-parallel` next to create-vite's, on this machine,
// in one run: install size and time, then alternating runs that write a project
// (median wall time, peak RSS) and `--help`. A benchmark: it measures and prints.
//   node bench/cli.mjs            (RUNS=10 by default; needs /usr/bin/time for RSS)
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.env.RUNS ?? 10);
const scratch = mkdtempSync(join(tmpdir(), "cop-bench-"));
const npm = (args, cwd) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8" });

function du(path) {
  const s = statSync(path);
  return s.isDirectory() ? readdirSync(path).reduce((t, e) => t + du(join(path, e)), 0) : s.size;
}
const packages = (modules) =>
  readdirSync(modules).flatMap((e) => (e.startsWith("@") ? readdirSync(join(modules, e)) : e.startsWith(".") ? [] : [e])).length;

function install(spec, name) {
  const dir = join(scratch, name);
  execFileSync("mkdir", ["-p", dir]);
  const t0 = performance.now();
  npm(["install", "--prefix", dir, spec], dir);
  const seconds = (performance.now() - t0) / 1000;
  return { dir, seconds, bytes: du(join(dir, "node_modules")), packages: packages(join(dir, "node_modules")) };
}

// Node 20 reads and parses the whole NODE_EXTRA_CA_CERTS bundle at start-up (85 ms
// on this machine, more than either tool's own work): a machine setting, not the
// tools', so both run without it.
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

// wall time around the child, peak RSS from GNU time
const haveTime = existsSync("/usr/bin/time");
function measure(args, extraEnv = {}) {
  const out = mkdtempSync(join(scratch, "out-"));
  const options = { cwd: out, env: { ...env, ...extraEnv }, encoding: "utf8" };
  const t0 = performance.now();
  const r = haveTime
    ? spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, ...args], options)
    : spawnSync(process.execPath, args, options);
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  const kb = haveTime ? Number(r.stderr.trim().split("\n").pop()) : NaN;
  rmSync(out, { recursive: true, force: true });
  return { ms, mib: kb / 1024 };
}
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];
const median = (xs) => quantile(xs, 0.5);
// each run of ours over the create-vite run next to it: the VM's slow stretches slow both, so the
// ratio of neighbours drifts less than the ratio of two medians taken minutes apart
const paired = (ours, theirs) => {
  const ratios = ours.map((x, i) => x / theirs[i]);
  return `${median(ratios).toFixed(2)} (quartiles ${quantile(ratios, 0.25).toFixed(2)}–${quantile(ratios, 0.75).toFixed(2)})`;
};
// The functions V8 chose to optimise during one run: an optimising compile runs on another
// thread, and the process waits for it before it can exit (src/paths.ts), so a run that writes a
// project should leave none.
function optimised(args) {
  const out = mkdtempSync(join(scratch, "out-"));
  const r = spawnSync(process.execPath, ["--trace-opt", ...args], { cwd: out, env, encoding: "utf8" });
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`--trace-opt ${args.join(" ")} failed: ${r.stderr}`);
  const names = [...r.stdout.matchAll(/^\[marking .*?<JSFunction ([^ >]*)/gm)].map((m) => m[1] || "(anonymous)");
  return names.length ? names.join(", ") : "none";
}

try {
  const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", scratch], repo));
  const ours = install(join(scratch, packed.filename), "ours");
  const vite = install("create-vite@9.3.0", "vite");
  const oursBin = join(ours.dir, "node_modules/create-ocaml-parallel/bin/create-ocaml-parallel.cjs");
  const viteBin = join(vite.dir, "node_modules/create-vite/index.js");
  const oursRuns = [],
    viteRuns = [],
    helpRuns = [],
    uncachedRuns = [];
  const write = [oursBin, "app", "--template", "domains", "--yes", "--no-git"];
  for (let i = 0; i < runs; i++) {
    oursRuns.push(measure(write));
    // as a first run, before V8's code for the bundle is kept (bin/compile-cache.cjs)
    uncachedRuns.push(measure(write, { NODE_DISABLE_COMPILE_CACHE: "1" }).ms);
    viteRuns.push(measure([viteBin, "app", "--template", "vanilla-ts", "--no-interactive"]));
    helpRuns.push(measure([oursBin, "--help"]).ms);
  }
  const row = (name, inst, rs) => ({ name, wall: median(rs.map((r) => r.ms)), rss: median(rs.map((r) => r.mib)), ...inst });
  const a = row("create-ocaml-parallel", ours, oursRuns);
  const b = row("create-vite 9.3.0", vite, viteRuns);
  const mb = (x) => (x / 1e6).toFixed(2);
  console.log(
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${new Date().toISOString().slice(0, 10)}, ${runs} alternating runs`,
  );
  console.log("| | write a project: median wall | peak RSS | install time | installed | packages |");
  console.log("|---|---|---|---|---|---|");
  for (const r of [a, b])
    console.log(
      `| ${r.name} | ${r.wall.toFixed(0)} ms | ${r.rss.toFixed(1)} MiB | ${r.seconds.toFixed(1)} s | ${mb(r.bytes)} MB | ${r.packages} |`,
    );
  console.log(
    `| ratio | ${(a.wall / b.wall).toFixed(2)} | ${(a.rss / b.rss).toFixed(2)} | ${(a.seconds / b.seconds).toFixed(2)} | ${(a.bytes / b.bytes).toFixed(2)} | |`,
  );
  const wall = (rs) => rs.map((r) => r.ms);
  console.log(`Each run of ours over the create-vite run beside it: median ${paired(wall(oursRuns), wall(viteRuns))}`);
  if (process.env.NODE_EXTRA_CA_CERTS)
    console.log("(both ran without NODE_EXTRA_CA_CERTS, which this machine sets: Node 20 parses that bundle at every start)");
  console.log(
    `create-ocaml-parallel without its kept compiled code (a first run): median ${median(uncachedRuns).toFixed(0)} ms; over the create-vite run beside it: ${paired(uncachedRuns, wall(viteRuns))}`,
  );
  console.log(`Functions V8 optimised while ours wrote a project: ${optimised(write)}`);
  console.log(
    `create-ocaml-parallel --help: median ${median(helpRuns).toFixed(0)} ms; tarball ${mb(packed.size)} MB, unpacked ${mb(packed.unpackedSize)} MB, ${packed.entryCount} files`,
  );
  console.log("Goals: wall ratio ≤ 1.0, RSS ratio ≤ 1.2, --help < 100 ms, installed ≤ 2 MB with no runtime dependencies.");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
