/**
 * The Debian forky chroot with OCaml 5, dune and the libraries (scripts/forky-toolchain.sh
 * builds and caches it). Projects are generated under its /work so they build inside it.
 */
import { execa } from "execa";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { repo } from "./cli.js";

const script = join(repo, "scripts/forky-toolchain.sh");

/** Builds the chroot if it is not cached yet (minutes the first time) and returns its root. */
export function forkyRoot(): string {
  execFileSync("bash", [script, "setup"], { stdio: ["ignore", "inherit", "inherit"] });
  return execFileSync("bash", [script, "root"], { encoding: "utf8" }).trim();
}

/** A fresh folder inside the chroot: [path outside, path inside]. */
export function forkyWorkDir(root: string, prefix: string): [string, string] {
  mkdirSync(join(root, "work"), { recursive: true });
  const outside = mkdtempSync(join(root, "work", prefix));
  return [outside, outside.slice(root.length)];
}

/** Runs a bash script inside the chroot; never rejects. */
export function inForky(command: string, timeout = 600_000) {
  return execa("bash", [script, "run", "bash", "-c", command], { reject: false, timeout, all: true });
}
