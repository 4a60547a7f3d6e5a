// Generates the compare template with every approach in the forky chroot, builds it in the
// release profile and prints its bench's Markdown table on every workload (--workload all),
// and writes its chart (the ones in the README). mpi and rpc-parallel are included when the
// toolchain has them (OCAML_SOURCES).
//   node bench/compare.mjs   (REPEATS=5: each row keeps the fastest of 5 runs; N=default size;
//                             CHART=docs/compare-speedup.svg: where to copy the chart;
//                             JSON=file: where to write the same results as --json prints them)
import { copyFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalog } from "../scripts/examples.mjs";
import { generateInForky, inForky, machine, sh, toolchain } from "./forky.mjs";

const hasSources = (() => {
  try {
    sh("bash", [toolchain, "has-sources"]);
    return true;
  } catch {
    return false;
  }
})();
const approaches = catalog()
  .find((m) => m.name === "compare")
  .approaches.filter((a) => hasSources || !a.program)
  .map((a) => a.name);
const [outside, inside] = generateInForky("bench-compare-", [
  "compare",
  "--template",
  "compare",
  "--approaches",
  approaches.join(","),
  "--yes",
  "--no-git",
]);
const size = process.env.N ? `-n ${Number(process.env.N)}` : "";
const repeats = Number(process.env.REPEATS ?? 5);
try {
  inForky(`cd ${inside}/compare && dune build --profile release 2>&1 >/dev/null`);
  const load = inForky("cat /proc/loadavg").trim().split(" ").slice(0, 3).join(" ");
  const table = inForky(
    `cd ${inside}/compare && ./_build/default/bin/bench.exe -r ${repeats} ${size} --workload all --markdown --svg speedup.svg`,
  );
  console.log(`compare, ${approaches.join(", ")}; ${machine()}; load average before the run: ${load}\n${table}`);
  if (!hasSources) console.log("(mpi and rpc-parallel left out: the toolchain was given no source folder)");
  if (process.env.JSON) {
    // the same measurement again, printed as multicore-bench's JSON: a second run, not the table's
    writeFileSync(
      process.env.JSON,
      inForky(`cd ${inside}/compare && ./_build/default/bin/bench.exe -r ${repeats} ${size} --workload all --json --no-svg`),
    );
    console.log(`json: ${process.env.JSON}`);
  }
  if (process.env.CHART) {
    copyFileSync(join(outside, "compare/speedup.svg"), process.env.CHART);
    console.log(`chart: ${process.env.CHART}`);
  }
} finally {
  rmSync(outside, { recursive: true, force: true });
}
