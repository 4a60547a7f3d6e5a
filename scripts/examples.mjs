// Regenerates examples/<template>[-<variant>]/ for every template and variant with the
// built CLI, the way users run it; test/examples.test.ts fails when the committed ones differ.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const cli = `${root}bin/create-ocaml-parallel.mjs`;

/** Every example: its folder and the CLI arguments that write it (run from examples/). */
export function examples() {
  const catalog = JSON.parse(execFileSync(process.execPath, [cli, "--list", "--json"], { encoding: "utf8" }));
  return catalog.flatMap((m) =>
    (m.variants ?? [undefined]).map((v, i) => {
      const folder = i === 0 ? m.name : `${m.name}-${v.name}`;
      const variant = v ? ["--variant", v.name] : [];
      return { folder, args: [folder, "--template", m.name, ...variant, "--name", `${folder}-starter`, "--yes", "--no-git"] };
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(`${root}examples`, { recursive: true });
  for (const { folder, args } of examples()) {
    rmSync(`${root}examples/${folder}`, { recursive: true, force: true });
    execFileSync(process.execPath, [cli, ...args], { cwd: `${root}examples`, stdio: "inherit" });
  }
}
