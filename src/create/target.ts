/**
 * Where the project goes and how it gets there without harming what is on
 * disk: it is rendered into a staging folder and moved into place only when
 * complete. Existing files are never overwritten, deleted or written through.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { CreateError, explainFsError } from "../errors.js";
import { undoable } from "../interrupt.js";
import { joinText } from "../paths.js";

export interface Target {
  /** Absolute path of the project directory. */
  path: string;
  /** What is there now. */
  state: "missing" | "empty" | "non-empty";
}

/** Resolves `directory` against `cwd` and says whether a project can go there (a non-empty one only with `force`). */
export function inspectTarget(directory: string, cwd: string, force: boolean): Target {
  if (directory.trim() === "") throw new CreateError("the project directory is empty");
  const given = resolve(cwd, expandHome(directory));
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

/** A quoted "~/x" reaches us unexpanded: expanded as a shell would, not into a folder named "~". */
export const expandHome = (path: string) => path.replace(/^~(?=$|[\\/])/, homedir());

function nearestExisting(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/** Files below `dir`, relative, for listing what a render produced. */
function filesBelow(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesBelow(joinText(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/**
 * Renders through `render(staging)` and puts the result at `target.path`,
 * all or nothing; returns the files written. A missing target is staged beside
 * it and renamed into place. An existing folder (empty, or not empty with
 * --force) keeps its identity (its inode and mode; a mount point stays one; a
 * shell in it stays in it): the project is staged in a hidden folder inside it
 * (the same file system, and writable even when the parent is not), then each
 * entry the folder lacks is moved in; a failure or an interruption removes
 * exactly those.
 */
export async function writeProject(target: Target, render: (staging: string) => Promise<void>): Promise<string[]> {
  return target.state === "missing" ? writeNew(target.path, render) : writeInto(target.path, render);
}

async function writeNew(path: string, render: (staging: string) => Promise<void>): Promise<string[]> {
  const parent = dirname(path);
  const createdParent = existsSync(parent) ? undefined : firstMissing(parent);
  let staging: string;
  try {
    mkdirSync(parent, { recursive: true });
    staging = makeStagingFolder(parent, `.${basename(path)}.create-ocaml-parallel-`);
  } catch (error) {
    if (createdParent) rmSync(createdParent, { recursive: true, force: true });
    throw explainFsError(error, `creating a folder in ${parent}`);
  }
  const undo = () => {
    rmSync(staging, { recursive: true, force: true });
    if (createdParent) rmSync(createdParent, { recursive: true, force: true });
  };
  return guarded(path, undo, async () => {
    await render(staging);
    const files = filesBelowSorted(staging);
    try {
      renameSync(staging, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // another run (or program) made the folder and wrote into it meanwhile
      if (code === "ENOTEMPTY" || code === "EEXIST")
        throw new CreateError(
          `${path} appeared, with files in it, while the project was being written (another run, or another program, made it): nothing was written. Choose another directory, or pass --force to write beside its files`,
        );
      throw error;
    }
    return files;
  });
}

async function writeInto(path: string, render: (staging: string) => Promise<void>): Promise<string[]> {
  let staging: string;
  try {
    staging = makeStagingFolder(path, ".create-ocaml-parallel-");
  } catch (error) {
    throw explainFsError(error, `creating a folder in ${path}`);
  }
  const moved: string[] = [];
  const undo = () => {
    for (const p of moved) rmSync(p, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  };
  return guarded(path, undo, async () => {
    await render(staging);
    const files = filesBelowSorted(staging);
    for (const entry of entriesToMove(staging, path)) {
      renameSync(join(staging, entry), join(path, entry));
      moved.push(join(path, entry));
    }
    rmSync(staging, { recursive: true, force: true });
    return files;
  });
}

/** `work`, undone on failure or interruption; a file-system error becomes a message for the user. */
async function guarded(path: string, undo: () => void, work: () => Promise<string[]>): Promise<string[]> {
  try {
    return await undoable(undo, work);
  } catch (error) {
    throw explainFsError(error, `writing ${path}`);
  }
}

/**
 * A new folder with a unique name. mkdir, unlike mkdtemp (always 0700), gives
 * it the mode the user's umask says: a staged project folder is renamed into place as it is.
 */
function makeStagingFolder(parent: string, prefix: string): string {
  for (;;) {
    const path = join(parent, `${prefix}${Math.random().toString(36).slice(2, 8)}`);
    try {
      mkdirSync(path);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

function firstMissing(path: string): string {
  let p = path;
  while (!existsSync(dirname(p))) p = dirname(p);
  return p;
}

/**
 * The staged entries (relative paths) to move into `target`: each one missing
 * there, descending into the folders both have. Anything else in the way is a
 * conflict, and nothing is moved: a file would be replaced, or a symbolic link
 * (to a folder elsewhere, say) would have the project written through it.
 */
function entriesToMove(staging: string, target: string): string[] {
  const moves: string[] = [];
  const conflicts: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(join(staging, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      const theirs = lstatOrUndefined(join(target, path));
      if (!theirs) moves.push(path);
      else if (theirs.isSymbolicLink()) conflicts.push(`${path} (a symbolic link)`);
      else if (entry.isDirectory() && theirs.isDirectory()) visit(path);
      else if (entry.isDirectory()) conflicts.push(`${path} (a file where the project has a folder)`);
      else if (theirs.isDirectory()) conflicts.push(`${path} (a folder where the project has a file)`);
      else conflicts.push(path);
    }
  };
  visit("");
  if (conflicts.length)
    throw new CreateError(
      `--force keeps your files, and these are in the way: ${conflicts.join(", ")}. Move them away or choose another directory; nothing was written.`,
    );
  return moves;
}

/** The path's own lstat (a symbolic link is not followed), or undefined when nothing is there. */
export function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

const lstatExists = (path: string) => lstatOrUndefined(path) !== undefined;

export const filesBelowSorted = (dir: string) => filesBelow(dir).sort();
