/**
 * Where the project goes and how it gets there without harming what is on
 * disk: it is rendered into a temporary folder beside the target and moved
 * into place only when complete. Existing files are never overwritten or deleted.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, rmdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { CreateError, explainFsError } from "./errors.js";

export interface Target {
  /** Absolute path of the project directory. */
  path: string;
  /** What is there now. */
  state: "missing" | "empty" | "non-empty";
}

/** Resolves `directory` against `cwd` and says whether a project can go there (a non-empty one only with `force`). */
export function inspectTarget(directory: string, cwd: string, force: boolean): Target {
  if (directory.trim() === "") throw new CreateError("the project directory is empty");
  // a quoted "~/x" reaches us unexpanded: expand it as a shell would, not into a folder named "~"
  const given = resolve(cwd, directory.replace(/^~(?=$|[\\/])/, homedir()));
  if (!lstatExists(given)) {
    // a missing target is fine, but not below a file
    const ancestor = nearestExisting(given);
    if (!statSync(ancestor).isDirectory()) throw new CreateError(`${ancestor} is a file, so ${given} cannot be created`);
    return { path: given, state: "missing" };
  }
  if (!existsSync(given)) throw new CreateError(`${given} is a symbolic link to nothing; remove it or choose another directory`);
  // through a symbolic link, the project goes where the link points
  const path = realpathSync(given);
  if (!statSync(path).isDirectory()) throw new CreateError(`${given} exists and is not a directory`);
  if (readdirSync(path).length === 0) return { path, state: "empty" };
  if (!force)
    throw new CreateError(
      `${path} is not empty. Choose another directory, or pass --force to add the project beside the files there (none of them is overwritten).`,
    );
  return { path, state: "non-empty" };
}

function nearestExisting(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/** Files below `dir`, relative, for listing what a render produced. */
function filesBelow(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesBelow(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/** The cleanup to run if the process is interrupted mid-way; cli.ts calls it from its signal handlers. */
let pendingCleanup: (() => void) | undefined;
export function cleanupOnInterrupt() {
  pendingCleanup?.();
  pendingCleanup = undefined;
}

/**
 * Renders through `render(staging)` and moves the result to `target.path`.
 * With `force`, a non-empty target receives the new files beside its own;
 * if any new file would replace one of them, nothing is written and the
 * conflicts are listed.
 */
export async function writeProject(target: Target, render: (staging: string) => Promise<void>): Promise<string[]> {
  const parent = dirname(target.path);
  const createdParent = nearestExisting(parent) === parent ? undefined : firstMissing(parent);
  let staging: string;
  try {
    mkdirSync(parent, { recursive: true });
    staging = mkdtempSync(join(parent, `.${basename(target.path)}.create-ocaml-parallel-`));
  } catch (error) {
    if (createdParent) rmSync(createdParent, { recursive: true, force: true });
    throw explainFsError(error, `creating a folder in ${parent}`);
  }
  const undo = () => {
    rmSync(staging, { recursive: true, force: true });
    if (target.state === "empty" && !existsSync(target.path)) mkdirSync(target.path);
    if (createdParent) rmSync(createdParent, { recursive: true, force: true });
  };
  pendingCleanup = undo;
  try {
    await render(staging);
    const files = filesBelowSorted(staging);
    if (target.state === "non-empty") mergeInto(staging, target.path, files);
    else {
      if (target.state === "empty") rmdirSync(target.path);
      renameSync(staging, target.path);
    }
    pendingCleanup = undefined;
    rmSync(staging, { recursive: true, force: true });
    return files;
  } catch (error) {
    pendingCleanup = undefined;
    undo();
    throw explainFsError(error, `writing ${target.path}`);
  }
}

function firstMissing(path: string): string {
  let p = path;
  while (!existsSync(dirname(p))) p = dirname(p);
  return p;
}

/** Moves every staged file into `target`, all or nothing. */
function mergeInto(staging: string, target: string, files: string[]) {
  const conflicts = files.filter((f) => lstatExists(join(target, f)));
  if (conflicts.length)
    throw new CreateError(
      `--force keeps your files, and these would be replaced: ${conflicts.join(", ")}. Move them away or choose another directory; nothing was written.`,
    );
  const moved: string[] = [];
  const madeDirs: string[] = [];
  try {
    for (const file of files) {
      const to = join(target, file);
      for (let d = dirname(to); !existsSync(d); d = dirname(d)) madeDirs.unshift(d);
      mkdirSync(dirname(to), { recursive: true });
      renameSync(join(staging, file), to);
      moved.push(to);
    }
  } catch (error) {
    for (const to of moved) rmSync(to, { force: true });
    for (const d of madeDirs.reverse()) rmSync(d, { recursive: true, force: true });
    throw error;
  }
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export const filesBelowSorted = (dir: string) => filesBelow(dir).sort();
