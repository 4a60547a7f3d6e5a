/**
 * `git init` in the new project, all or nothing: a full disk or a Ctrl-C while
 * git writes must not leave a `.git` holding only some of its files (git would
 * then take the folder for a broken repository). execa is loaded on first use.
 */
import { lstatSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ResultPromise } from "execa";
import { undoable } from "../interrupt.js";

export type GitResult = "initialised" | "inside-repository" | "no-git" | "failed";

/** `git init` in `dir`, unless git is missing or `dir` is already inside a work tree. */
export async function initRepository(dir: string): Promise<GitResult> {
  const { execa } = await import("execa");
  const options = { cwd: dir, reject: false, stdin: "ignore" } as const;
  const inside = await execa("git", ["rev-parse", "--is-inside-work-tree"], options);
  if ((inside as { code?: string }).code === "ENOENT") return "no-git";
  if (inside.exitCode === 0 && String(inside.stdout).trim() === "true") return "inside-repository";
  const dotGit = join(dir, ".git");
  const ours = !exists(dotGit); // a .git that was there (with --force) is never removed
  let git: ResultPromise | undefined;
  const undo = () => {
    git?.kill("SIGKILL"); // so it writes nothing more after the removal
    if (ours) rmSync(dotGit, { recursive: true, force: true });
  };
  const init = await undoable(undo, async () => (git = execa("git", ["init", "--quiet"], options)));
  if (init.exitCode === 0) return "initialised";
  undo();
  return "failed";
}

function exists(path: string) {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
