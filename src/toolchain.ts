/**
 * Runs the external tools (git now; opam and dune for --build) through execa,
 * with argument arrays, never a shell string. execa is loaded on first use so
 * a run that spawns nothing does not pay for it.
 */
import type { Options } from "execa";

export async function run(file: string, args: string[], options: Options = {}) {
  const { execa } = await import("execa");
  return execa(file, args, { reject: false, stdin: "ignore", ...options });
}

/** `git init` in `dir`, unless git is missing or `dir` is already inside a work tree. */
export async function gitInit(dir: string): Promise<"initialised" | "inside-repository" | "no-git" | "failed"> {
  const inside = await run("git", ["rev-parse", "--is-inside-work-tree"], { cwd: dir });
  if (inside.failed && (inside as { code?: string }).code === "ENOENT") return "no-git";
  if (inside.exitCode === 0 && String(inside.stdout).trim() === "true") return "inside-repository";
  const init = await run("git", ["init", "--quiet"], { cwd: dir });
  return init.exitCode === 0 ? "initialised" : "failed";
}
