/**
 * `create-ocaml-parallel add`, the plan: the existing dune project found as dune finds it, the
 * package and folder the approach goes to, names that clash with nothing there, and each edit of
 * `dune-project` and the `.opam` as a located insertion, all decided before anything is written.
 */ import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { dependencyNames, findTemplate, loadCatalog, type OpamDependency, type Template, templateId } from "../catalog/catalog.js";
import { expandHome, lstatOrUndefined } from "../create/target.js";
import { compareOpamVersions, Unsatisfiable } from "../dune/constraints.js";
import { duneDependency, opamDependency } from "../dune/depends.js";
import { addDuneDependencies, type DuneProject, readDuneProject, UnsafeEdit } from "../dune/dune-project.js";
import { addOpamDependencies, readOpamDepends } from "../dune/opam-file.js";
import { type Located, locateProject, opamFilesIn, type ProjectScan, placementProblem, scanProject } from "../dune/scan.js";
import { SexpError } from "../dune/sexp.js";
import { CreateError, explainFsError } from "../errors.js";
import { namesBroughtBy, type ProjectNames } from "../names.js";
import { ADD_DUNE_LANG_FLOOR, OCAMLFORMAT_VERSION } from "../versions.js";

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
  /** the files read whose lines end in CRLF (read with LF; edited with CRLF again) */
  crlf: Set<string>;
}

export function inspectProject(into: string | undefined, cwd: string): Project {
  const located = locateProject(resolve(cwd, expandHome(into ?? ".")));
  const file = join(located.project, "dune-project");
  let dune: DuneProject;
  const crlf = new Set<string>();
  try {
    dune = readDuneProject(readLines(located.project, "dune-project", crlf));
  } catch (error) {
    if (error instanceof SexpError)
      throw new CreateError(
        `${file} cannot be read: ${error.message} (dune would refuse it too, or it uses a syntax this tool does not edit); nothing was written`,
      );
    throw explainFsError(error, `reading ${file}`);
  }
  const packages = dune.packages.length ? dune.packages.map((p) => p.name) : opamFilesIn(located.project);
  return { located, dune, packages, scan: scanProject(located.root), crlf };
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
export const posix = (p: string) => p.split(sep).join("/");

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
  const lang = project.dune.lang;
  if (lang !== undefined && compareOpamVersions(lang, ADD_DUNE_LANG_FLOOR) < 0)
    throw new CreateError(
      `${join(project.located.project, "dune-project")} says (lang dune ${lang}), and the approach's dune files are written for the dune ${ADD_DUNE_LANG_FLOOR} language or newer. Nothing was written. Upgrade the project first: make its first line (lang dune ${ADD_DUNE_LANG_FLOOR}) (or newer, up to your dune's version), run dune build and fix what it says (dune's CHANGES.md lists what changed in the language), then run this again`,
    );
  const pkg = choosePackage(project, request.package, manifest);
  const dir = targetDir(project, request.dir ?? `parallel/${id}`);
  const { names, clashes } = chooseNames(project.scan, pkg, id);
  const { edits: changes, dependencies, notes } = withoutConflict(() => dependencyEdits(project, pkg, manifest), pkg, manifest);
  for (const e of changes) {
    const why = unreplaceable(project.located.project, e.path);
    const generated = project.dune.generateOpamFiles && project.dune.packages.some((p) => p.name === pkg);
    if (why) throw byHand(manifest, pkg, generated ? "dune-project" : e.path, why, generated ? "dune" : "opam");
  }
  const crlfLines = (e: FileEdit) => ({ path: e.path, before: e.before.replace(/\n/g, "\r\n"), after: e.after.replace(/\n/g, "\r\n") });
  const edits = changes.map((e) => (project.crlf.has(e.path) ? crlfLines(e) : e));
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

/** `edit`, a constraint of the project's that leaves no version the approach can use said as what it is. */
function withoutConflict<T>(edit: () => T, pkg: string, m: Template): T {
  try {
    return edit();
  } catch (error) {
    if (!(error instanceof Unsatisfiable)) throw error;
    throw new CreateError(
      `package ${pkg} depends on ${error.theirs}, and ${m.name} needs ${error.ours}: no version of ${error.name} is allowed by both, so opam could never install the project. Nothing was written. Loosen or remove yours (if the project needs ${error.name} that way, ${m.name} cannot join it), then run this again`,
    );
  }
}

/**
 * Why `file` must not be replaced, if so: it was made read-only, or it belongs to another user
 * (the edited file would become the runner's; root gives it back to its owner).
 */
function unreplaceable(root: string, file: string): string | undefined {
  const { mode, uid } = statSync(join(root, file));
  if ((mode & 0o222) === 0)
    return `${file} is read-only (mode ${(mode & 0o777).toString(8)}): make it writable (chmod u+w ${file}) and run this again, or`;
  const me = process.getuid?.();
  if (me !== undefined && me !== 0 && uid !== me)
    return `${file} belongs to another user (uid ${uid}), and the edited file would become yours: run this as its owner, or`;
  return undefined;
}

/**
 * A file of the project as the parsers read it, with LF lines: a file of CRLF lines (every line)
 * is noted in `crlf`, and its edit is made with CRLF lines again.
 */
function readLines(root: string, file: string, crlf: Set<string>): string {
  const text = readFileSync(join(root, file), "utf8");
  if (!text.includes("\r\n") || /(^|[^\r])\n/.test(text)) return text;
  crlf.add(file);
  return text.replace(/\r\n/g, "\n");
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
    return readLines(root, file, project.crlf);
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
