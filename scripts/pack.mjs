// npm pack and npm publish ship dist/ built, and not scripts/: the published
// package.json must not carry `prepare` (npm would list it among the install
// scripts to approve, and it could not run). prepack removes it from
// package.json, postpack puts the file back as it was; a pack that died
// half-way is undone by the next one.
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const file = fileURLToPath(new URL("../package.json", import.meta.url));
const saved = fileURLToPath(new URL("../.package.json.before-pack", import.meta.url));

if (existsSync(saved)) renameSync(saved, file);
if (process.argv[2] === "prepack") {
  copyFileSync(file, saved);
  const manifest = JSON.parse(readFileSync(file, "utf8"));
  delete manifest.scripts.prepare;
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}
