/**
 * `create-ocaml-parallel add`: an approach's library, starter and test, rendered
 * from the same template files as `create`, into a folder of an existing dune
 * project, under names that clash with nothing there; its dependencies go
 * into the right package's depends. Every change is staged and moved into
 * place at the end, all or nothing.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import {
  dependencyNames,
  findTemplate,
  loadCatalog,
  type OpamDependency,
  type SystemDependency,
  type Template,
  templateId,
} from "./catalog.js";
import { duneDependency, opamDependency } from "./dune/depends.js";
import { addDuneDependencies, type DuneProject, readDuneProject, UnsafeEdit } from "./dune/dune-project.js";
import { type Located, locateProject, opamFilesIn, type ProjectScan, placementProblem, scanProject } from "./dune/scan.js";
import { SexpError } from "./dune/sexp.js";
import { CreateError, explainFsError } from "./errors.js";
import { undoable } from "./interrupt.js";
import { namesBroughtBy, type ProjectNames } from "./names.js";
import { addOpamDependencies, readOpamDepends } from "./opam-file.js";
import { renderProject } from "./render.js";
import { lstatOrUndefined } from "./target.js";
import { unifiedDiff } from "./unified-diff.js";
import { OCAMLFORMAT_VERSION } from "./versions.js";

export interface AddRequest {
  template: string;
  variant?: string;
  /** a folder in the project (default: the current one) */
  into?: string;
  /** where the approach goes, relative to the project (default: parallel/TEMPLATE) */
  dir?: string;
  /** the opam package whose depends get the approach's dependencies */
  package?: string;
  dryRun?: boolean;
  cwd?: string;
}

/** Why a template cannot be added to a project, if it cannot. */
export function notAddable(m: Template): string | undefined {
  if (m.approaches || m.chosen)
    return `the ${m.name} template cannot be added to a project: it is a project of its own (a bench program over several approaches, each its own library). Generate it apart: create-ocaml-parallel DIR --template ${m.name}`;
  return undefined;
}

/** The templates `add` can bring: those with a single program. */
export const addableTemplates = (catalog = loadCatalog()) => catalog.filter((m) => !notAddable(m));

/** The project as found from `into` or `cwd`: what the questions need before a template is chosen. */
export interface Project {
  located: Located;
  dune: DuneProject;
  /** its opam packages: `(package ...)` stanzas of dune-project, else `.opam` files beside it */
  packages: string[];
  scan: ProjectScan;
}

export function inspectProject(into: string | undefined, cwd: string): Project {
  const located = locateProject(resolve(cwd, into ?? "."));
  const file = join(located.project, "dune-project");
  let dune: DuneProject;
  try {
    dune = readDuneProject(readFileSync(file, "utf8"));
  } catch (error) {
    if (error instanceof SexpError)
      throw new CreateError(
        `${file} cannot be read: ${error.message} (dune would refuse it too, or it uses a syntax this tool does not edit); nothing was written`,
      );
    throw explainFsError(error, `reading ${file}`);
  }
  const packages = dune.packages.length ? dune.packages.map((p) => p.name) : opamFilesIn(located.project);
  return { located, dune, packages, scan: scanProject(located.root) };
}

/** A change to a file of the project (paths relative to the project). */
export interface FileEdit {
  path: string;
  before: string;
  after: string;
}

export interface AddPlan {
  project: Project;
  manifest: Template;
  /** `eio`, `domains-domainslib` */
  id: string;
  /** the package the approach joins */
  package: string;
  /** where it goes, relative to the project, "/"-separated */
  dir: string;
  /** what the templates are rendered with: the library, its module, and the starter's public name */
  names: ProjectNames;
  /** names that were taken, and by what */
  clashes: string[];
  /** the ocamlformat the project's own .ocamlformat pins, when it is not ours: the approach's names it too */
  ocamlformatVersion?: string;
  edits: FileEdit[];
  dependencies: { file: string; added: string[]; kept: { name: string; theirs: string; ours: string }[] };
  notes: string[];
}

const capitalised = (s: string) => s[0].toUpperCase() + s.slice(1);
const posix = (p: string) => p.split(sep).join("/");

/** Checks the request against the project and works out every change; throws a CreateError saying what is wrong. */
export function planAdd(request: AddRequest, project = inspectProject(request.into, request.cwd ?? process.cwd())): AddPlan {
  const manifest = findTemplate(loadCatalog(), request.template, request.variant);
  const refused = notAddable(manifest);
  if (refused) throw new CreateError(refused);
  const id = templateId(manifest);
  // the project's own library of a name the approach's dependencies bring: two libraries of one name
  const brought = namesBroughtBy(id);
  const taken = [...project.scan.libraries].find(([library]) => brought.has(library.replace(/-/g, "_")));
  if (taken)
    throw new CreateError(
      `the project has a library ${taken[0]} (${taken[1]}), and ${manifest.name}'s dependencies bring one of that name: dune would find two. Nothing was written; rename yours first to add ${manifest.name}`,
    );
  const pkg = choosePackage(project, request.package, manifest);
  const dir = targetDir(project, request.dir ?? `parallel/${id}`);
  const { names, clashes } = chooseNames(project.scan, pkg, id);
  const { edits, dependencies, notes } = dependencyEdits(project, pkg, manifest);
  if (project.scan.unreadable.length)
    notes.push(
      `${project.scan.unreadable.join(", ")}: not read by this tool (dune in OCaml syntax?), so the names defined there were not checked for clashes`,
    );
  const ocamlformatVersion = projectFormatter(project);
  if (ocamlformatVersion)
    notes.push(
      `the project's .ocamlformat pins ocamlformat ${ocamlformatVersion}: ${dir}/.ocamlformat names it too (the starter was laid out by ${OCAMLFORMAT_VERSION}; run dune fmt once if ${ocamlformatVersion} lays it out otherwise)`,
    );
  return { project, manifest, id, package: pkg, dir, names, clashes, ocamlformatVersion, edits, dependencies, notes };
}

/** The version the project's own .ocamlformat pins (in its folder, or at the dune root), when it is not the one the starters are formatted with. */
function projectFormatter(project: Project): string | undefined {
  for (const dir of [project.located.project, project.located.root]) {
    const file = join(dir, ".ocamlformat");
    if (!existsSync(file)) continue;
    const version = /^\s*version\s*=\s*(\S+)\s*$/m.exec(readFileSync(file, "utf8"))?.[1];
    return version && version !== OCAMLFORMAT_VERSION ? version : undefined;
  }
  return undefined;
}

/** What the approach needs: the OCaml floor and its opam packages. */
const dependenciesOf = (m: Template): OpamDependency[] => [{ name: "ocaml", constraints: [`>= ${m.ocaml}`] }, ...m.opam];

function byHand(m: Template, pkg: string, file: string, why: string, form: "dune" | "opam"): CreateError {
  const lines = dependenciesOf(m).map((d) => `  ${form === "dune" ? duneDependency(d) : opamDependency(d)}`);
  const where = form === "dune" ? `the (depends ...) of package ${pkg} in ${file}` : `depends: [ ... ] in ${file}`;
  return new CreateError(
    `${file} cannot be edited safely: ${why}. Nothing was written. Add by hand, to ${where} (leaving out any already there):\n${lines.join("\n")}\nthen run this command again: a dependency already there is left as it is.`,
  );
}

function choosePackage(project: Project, wanted: string | undefined, m: Template): string {
  const { packages } = project;
  const listed = packages.join(", ");
  if (packages.length === 0)
    throw new CreateError(
      `${project.located.project} declares no opam package (no (package ...) in dune-project, no .opam file), so there is no depends for ${m.name}'s dependencies and no package for its starter. Add one (e.g. (package (name NAME)) in dune-project), then run this again`,
    );
  if (wanted !== undefined) {
    if (!packages.includes(wanted)) throw new CreateError(`the project has no package "${wanted}"; its packages: ${listed}`);
    return wanted;
  }
  if (packages.length === 1) return packages[0];
  const lines = dependenciesOf(m).map((d) => `  ${project.dune.generateOpamFiles ? duneDependency(d) : opamDependency(d)}`);
  throw new CreateError(
    `the project has several packages (${listed}): pass --package NAME, the one whose depends get ${m.name}'s dependencies:\n${lines.join("\n")}`,
  );
}

function targetDir(project: Project, given: string): string {
  const { project: root } = project.located;
  const absolute = resolve(root, given);
  const dir = posix(relative(root, absolute));
  if (dir === "" || dir.startsWith("..") || isAbsolute(dir))
    throw new CreateError(`--dir ${given} is not a folder inside the project ${root}`);
  const bad = dir.split("/").find((part) => !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(part));
  if (bad !== undefined)
    throw new CreateError(
      `--dir ${given}: "${bad}" cannot be a folder of it: dune skips folders starting with "." or "_", and names are kept to letters, digits, "_", "-" and "."`,
    );
  if (existsSync(absolute) && (!statSync(absolute).isDirectory() || readdirSync(absolute).length > 0))
    throw new CreateError(`${dir} exists already (was this approach added before?); choose another folder with --dir`);
  for (let d = absolute; d !== root && d.length > root.length; d = dirname(d)) {
    // a symbolic link on the way would put the approach wherever it points, maybe outside the project
    if (lstatOrUndefined(d)?.isSymbolicLink())
      throw new CreateError(
        `${posix(relative(root, d))} is a symbolic link, so ${dir} would not be inside the project; choose another folder with --dir`,
      );
    if (d !== absolute && existsSync(d) && !statSync(d).isDirectory())
      throw new CreateError(`${posix(relative(root, d))} is a file, so ${dir} cannot be created`);
  }
  const problem = placementProblem(project.scan, posix(relative(project.located.root, absolute)));
  if (problem) throw new CreateError(problem);
  return dir;
}

/**
 * `<pkg>_<template>` (module `<Pkg>_<template>`) for the library and `<pkg>-<template>`
 * for the starter, numbered when one of them is taken in the project.
 */
function chooseNames(scan: ProjectScan, pkg: string, id: string): { names: ProjectNames; clashes: string[] } {
  const library = `${pkg.toLowerCase().replace(/[^a-z0-9_]+/g, "_")}_${id.replace(/-/g, "_")}`.replace(/^[^a-z]+/, "");
  const known = new Set(dependencyNames());
  const clashes: string[] = [];
  for (let n = 1; ; n++) {
    const names = { library: n === 1 ? library : `${library}_${n}`, package: n === 1 ? `${pkg}-${id}` : `${pkg}-${id}-${n}`, module: "" };
    names.module = capitalised(names.library);
    const taken = [
      [scan.libraries.get(names.library), `the library ${names.library}`],
      [scan.used.get(names.library), `${names.library}, a library the project uses`],
      [known.has(names.library) ? "templates/" : undefined, `${names.library}, a library the templates use`],
      [scan.modules.get(names.module), `the module ${names.module}`],
      [scan.publicNames.get(names.package), `the public name ${names.package}`],
      [scan.executables.get(`test_${names.library}`), `the executable or test test_${names.library}`],
    ].filter(([where]) => where !== undefined);
    if (taken.length === 0) return { names, clashes };
    clashes.push(...taken.map(([where, what]) => `${what} (${where})`));
    if (n >= 99) throw new CreateError(`no free name for the ${id} library: ${clashes.join("; ")}`);
  }
}

function dependencyEdits(project: Project, pkg: string, m: Template): Pick<AddPlan, "edits" | "dependencies" | "notes"> {
  const root = project.located.project;
  const deps = dependenciesOf(m);
  const opamPath = `${pkg}.opam`;
  const edits: FileEdit[] = [];
  const notes: string[] = [];
  const read = (file: string) => {
    const path = join(root, file);
    if (lstatSync(path).isSymbolicLink()) throw new UnsafeEdit(`${file} is a symbolic link`);
    return readFileSync(path, "utf8");
  };
  if (project.dune.generateOpamFiles && project.dune.packages.some((p) => p.name === pkg)) {
    let edit: ReturnType<typeof addDuneDependencies>;
    try {
      if (lstatSync(join(root, "dune-project")).isSymbolicLink()) throw new UnsafeEdit("dune-project is a symbolic link");
      edit = addDuneDependencies(project.dune, pkg, deps);
    } catch (error) {
      if (error instanceof UnsafeEdit) throw byHand(m, pkg, "dune-project", error.message, "dune");
      throw error;
    }
    if (edit.added.length) edits.push({ path: "dune-project", before: project.dune.text, after: edit.text });
    // the .opam is dune's: the new entries go where dune will write them, after the ones it has from dune-project
    if (edit.added.length && existsSync(join(root, opamPath))) {
      const regenerate = `${opamPath} is generated by dune from dune-project, and did not look as dune writes it, so it was left as it is: \`dune build @install\` then \`dune promote\` regenerates it`;
      try {
        const text = read(opamPath);
        const after = edit.before.count + (edit.before.names.includes("dune") ? 0 : 1);
        const anchor = readOpamDepends(text)?.members[after - 1];
        const expected = edit.before.count ? edit.before.last : ["dune"];
        const opam = addOpamDependencies(text, edit.added, after);
        if (!anchor || !expected.every((n) => anchor.names.includes(n)) || opam.added.length !== edit.added.length) notes.push(regenerate);
        else edits.push({ path: opamPath, before: text, after: opam.text });
      } catch (error) {
        if (!(error instanceof UnsafeEdit)) throw error;
        notes.push(regenerate);
      }
    }
    return { edits, notes, dependencies: { file: "dune-project", added: edit.added.map(duneDependency), kept: edit.kept } };
  }
  if (!existsSync(join(root, opamPath)))
    throw byHand(
      m,
      pkg,
      opamPath,
      `the package ${pkg} has no ${opamPath} beside dune-project${project.dune.generateOpamFiles ? "" : " (and dune-project does not generate_opam_files)"}`,
      "opam",
    );
  try {
    const text = read(opamPath);
    const edit = addOpamDependencies(text, deps);
    if (edit.added.length) edits.push({ path: opamPath, before: text, after: edit.text });
    return { edits, notes, dependencies: { file: opamPath, added: edit.added.map(opamDependency), kept: edit.kept } };
  } catch (error) {
    if (error instanceof UnsafeEdit) throw byHand(m, pkg, opamPath, error.message, "opam");
    throw error;
  }
}

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
        writeFileSync(join(staging, `edit-${k}`), e.after);
        chmodSync(join(staging, `edit-${k}`), statSync(join(root, e.path)).mode & 0o7777);
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
