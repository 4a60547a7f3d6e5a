// What the starter benchmarks share: the forky chroot (scripts/forky-toolchain.sh) and a
// fresh folder in it where the built CLI writes a project.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { cli, root as repo } from "../scripts/examples.mjs";

export const toolchain = join(repo, "scripts/forky-toolchain.sh");

export const sh = (file, args, options = {}) =>
  execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], ...options });

/** Runs a bash script inside the chroot (building the chroot the first time). */
export const inForky = (script) => sh("bash", [toolchain, "run", "bash", "-c", script]);

/** Writes a project with the CLI into a new folder of the chroot: [path outside, path inside]. */
export function generateInForky(prefix, args) {
  sh("bash", [toolchain, "setup"]);
  const root = sh("bash", [toolchain, "root"]).trim();
  const outside = mkdtempSync(join(root, "work", prefix));
  sh(process.execPath, [cli, ...args], { cwd: outside });
  return [outside, outside.slice(root.length)];
}

/** The line that says where and when a table was measured. */
export const machine = () => `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${new Date().toISOString().slice(0, 10)}`;
