// Regenerates examples/<template>/ for every template with the built CLI, the
// way users run it; test/examples.test.ts fails when the committed ones differ.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const cli = `${root}bin/create-ocaml-parallel.mjs`;
export const templates = () => readdirSync(`${root}templates`).filter((t) => !t.startsWith("_")).sort();

/** The arguments that make examples/<template>, run from examples/ (or any folder). */
export const exampleArgs = (template) => [template, "--template", template, "--name", `${template}-starter`, "--yes", "--no-git"];

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(`${root}examples`, { recursive: true });
  for (const template of templates()) {
    rmSync(`${root}examples/${template}`, { recursive: true, force: true });
    execFileSync(process.execPath, [cli, ...exampleArgs(template)], { cwd: `${root}examples`, stdio: "inherit" });
  }
}
