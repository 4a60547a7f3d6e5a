// Generates the compare template with every approach in the forky chroot, builds it in the
// release profile and prints its bench's Markdown table (the one in the README).
//   node bench/compare.mjs   (REPEATS=5: each row keeps the fastest of 5 runs; N=default size)
import { rmSync } from "node:fs";
import { catalog } from "../scripts/examples.mjs";
import { generateInForky, inForky, machine } from "./forky.mjs";

const approaches = catalog().find((m) => m.name === "compare").approaches.map((a) => a.name);
const [outside, inside] = generateInForky("bench-compare-", ["compare", "--template", "compare", "--approaches", approaches.join(","), "--yes", "--no-git"]);
const size = process.env.N ? `-n ${Number(process.env.N)}` : "";
try {
  inForky(`cd ${inside}/compare && dune build --profile release 2>&1 >/dev/null`);
  const table = inForky(`cd ${inside}/compare && ./_build/default/bin/bench.exe -r ${Number(process.env.REPEATS ?? 5)} ${size} --markdown`);
  console.log(`compare, every approach, ${machine()}\n${table}`);
} finally {
  rmSync(outside, { recursive: true, force: true });
}
