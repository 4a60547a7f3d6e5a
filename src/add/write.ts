/**
 * `create-ocaml-parallel add`, the write: the approach rendered from the same template files as
 * `create` into its folder of the project, and the planned edits applied, all or nothing (staged
 * in the project, moved into place at the end, put back on failure or interruption).
 */ import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import type { SystemDependency } from "../catalog/catalog.js";
import { renderProject } from "../create/render.js";
import { CreateError, explainFsError } from "../errors.js";
import { undoable } from "../interrupt.js";
import { type AddPlan, type AddRequest, planAdd, posix } from "./plan.js";
import { unifiedDiff } from "./unified-diff.js";
/** Renders the approach's lib/, bin/ and test/ (and its .ocamlformat) into `destination`/dir; returns the files, relative to the project. */
export function renderAdded(plan: AddPlan, destination: string): string[] {
  const place = (output: string) => (/^(lib|bin|test)\//.test(output) || output === ".ocamlformat" ? `${plan.dir}/${output}` : undefined);
  // in a project of several packages, each dune stanza says which one it belongs to
  const stanzaPackage = plan.project.packages.length > 1 ? plan.package : undefined;
  const { manifest, names, ocamlformatVersion } = plan;
  return renderProject({ manifest, names, author: "", stanzaPackage, ocamlformatVersion }, destination, place);
}

export interface AddResult {
  /** the dune root and the project's folder */
  root: string;
  project: string;
  package: string;
  template: string;
  variant?: string;
  /** the approach's folder, relative to the project */
  directory: string;
  library: string;
  module: string;
  /** the starter's public_name */
  publicName: string;
  /** new files, relative to the project */
  files: string[];
  /** files changed */
  edited: string[];
  dependencies: AddPlan["dependencies"];
  clashes: string[];
  system: SystemDependency[];
  notes: string[];
  next: string[];
  dryRun: boolean;
  /** with dryRun: the unified diff of every change */
  diff?: string;
}

/** The starter's command from the project's folder. */
export function starterCommand(plan: AddPlan): string {
  const { root, project } = plan.project.located;
  const built = posix(join(relative(project, root) || ".", "_build/default", relative(root, project), plan.dir));
  const command = plan.manifest.run.command ?? "dune exec ./bin/main.exe --";
  return [
    command
      .replace(/(^|\s)\.\/_build\/default\/bin\//, `$1${built.startsWith(".") ? built : `./${built}`}/bin/`)
      .replace(/(^|\s)\.\/bin\//, `$1./${plan.dir}/bin/`),
    ...plan.manifest.run.args,
  ].join(" ");
}

function result(plan: AddPlan, files: string[], dryRun: boolean, diff?: string): AddResult {
  return {
    root: plan.project.located.root,
    project: plan.project.located.project,
    package: plan.package,
    template: plan.manifest.name,
    variant: plan.manifest.variant?.name,
    directory: plan.dir,
    library: plan.names.library,
    module: plan.names.module,
    publicName: plan.names.package,
    files,
    edited: plan.edits.map((e) => e.path),
    dependencies: plan.dependencies,
    clashes: plan.clashes,
    system: plan.manifest.system,
    notes: plan.notes,
    next: [
      ...(plan.dependencies.added.length ? ["opam install . --deps-only --with-test"] : []),
      "dune build",
      "dune test",
      starterCommand(plan),
    ],
    dryRun,
    ...(diff === undefined ? {} : { diff }),
  };
}

/**
 * Adds the approach. `render` writes its files into a staging folder (the CLI
 * passes the plop generator's actions); by default renderAdded.
 */
export async function add(
  request: AddRequest,
  plan = planAdd(request),
  render: (p: AddPlan, staging: string) => Promise<string[]> = async (p, staging) => renderAdded(p, staging),
): Promise<AddResult> {
  if (request.dryRun) {
    const scratch = mkdtempSync(join(tmpdir(), "create-ocaml-parallel-add-"));
    const remove = () => rmSync(scratch, { recursive: true, force: true });
    const files = await undoable(remove, () => render(plan, scratch));
    const diff = [
      ...plan.edits.map((e) => unifiedDiff(e.path, e.before, e.after)),
      ...files.map((f) => unifiedDiff(f, undefined, readFileSync(join(scratch, f), "utf8"))),
    ].join("");
    remove();
    return result(plan, files, true, diff);
  }
  const files = await writeAdded(plan, render);
  return result(plan, files, false);
}

/**
 * Stages everything in a hidden folder of the project (dune skips it; the same
 * file system, so renames are atomic), then moves it into place: the new
 * folder, then each edited file over its original, whose old inode is kept as
 * a backup. A failure or an interruption puts every original back and removes
 * what was added.
 */
async function writeAdded(plan: AddPlan, render: (p: AddPlan, staging: string) => Promise<string[]>): Promise<string[]> {
  const root = plan.project.located.project;
  const target = join(root, plan.dir);
  let staging: string;
  try {
    staging = mkdtempSync(join(root, ".create-ocaml-parallel-add-"));
  } catch (error) {
    throw explainFsError(error, `creating a folder in ${root}`);
  }
  const replaced: { path: string; backup: string }[] = [];
  let createdParent: string | undefined;
  let moved = false;
  let emptyTargetRemoved = false;
  // one add at a time writes into a project: two at once would each keep half of the other's edits
  const lock = join(root, ".create-ocaml-parallel-add.lock");
  let locked = false;
  const undo = () => {
    if (locked) rmSync(lock, { force: true });
    for (const { path, backup } of replaced.reverse()) renameSync(backup, path);
    if (moved) rmSync(target, { recursive: true, force: true });
    if (emptyTargetRemoved) mkdirSync(target);
    if (createdParent) rmSync(createdParent, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  };
  try {
    return await undoable(undo, async () => {
      const files = await render(plan, join(staging, "new"));
      plan.edits.forEach((e, k) => {
        const staged = join(staging, `edit-${k}`);
        writeFileSync(staged, e.after);
        // the edited file replaces the original: it keeps its mode, and (run by root) its owner
        const { mode, uid, gid } = statSync(join(root, e.path));
        chmodSync(staged, mode & 0o7777);
        if (uid !== process.getuid?.() || gid !== process.getgid?.()) chownSync(staged, uid, gid);
      });
      try {
        writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
        locked = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        throw new CreateError(
          `another add is writing into ${root} (${lock} is there); nothing was written. Run the command again when it is done (or remove that file if no add is running)`,
        );
      }
      // an editor, or another add, may have saved one of the files since it was read
      for (const e of plan.edits)
        if (readFileSync(join(root, e.path), "utf8") !== e.before)
          throw new CreateError(`${e.path} changed while the approach was being added; nothing was written. Run the command again`);
      createdParent = firstMissing(root, dirname(target));
      mkdirSync(dirname(target), { recursive: true });
      if (existsSync(target)) {
        rmdirSync(target);
        emptyTargetRemoved = true;
      }
      renameSync(join(staging, "new", plan.dir), target);
      moved = true;
      plan.edits.forEach((e, k) => {
        const path = join(root, e.path);
        const backup = join(staging, `backup-${k}`);
        try {
          linkSync(path, backup);
        } catch {
          copyFileSync(path, backup); // a file system without hard links
        }
        replaced.push({ path, backup });
        renameSync(join(staging, `edit-${k}`), path);
      });
      rmSync(staging, { recursive: true, force: true });
      rmSync(lock, { force: true });
      return files;
    });
  } catch (error) {
    throw explainFsError(error, `adding ${plan.dir}`);
  }
}

/** The outermost folder from `root` to `dir` that does not exist yet, if any. */
function firstMissing(root: string, dir: string): string | undefined {
  let missing: string | undefined;
  for (let d = dir; d !== root && d.length > root.length; d = dirname(d)) if (!existsSync(d)) missing = d;
  return missing;
}
