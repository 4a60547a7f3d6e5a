/**
 * Project name → opam package, OCaml library and module names, and the
 * reasons a name cannot work. Used by the flags and the prompts alike.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { templatesDir } from "./package-files.js";
import { prebuilt } from "./prebuilt.js";

export interface ProjectNames {
  /** opam package and dune project name, e.g. `my-app`. */
  package: string;
  /** dune library name, e.g. `my_app`. */
  library: string;
  /** the library's OCaml module, e.g. `My_app`. */
  module: string;
}

const KEYWORDS = new Set(
  `and as assert asr begin class constraint do done downto else end exception
  external false for fun function functor if in include inherit initializer land
  lazy let lor lsl lsr lxor match method mod module mutable new nonrec object of
  open or private rec sig struct then to true try type val virtual when while with
  effect`.split(/\s+/),
);

/**
 * What a project must not be called, per template, as the toolchain says
 * (templates/name-clashes.json, written by scripts/name-clashes.mjs): the opam
 * packages its project depends on; the libraries it builds with, all they pull in included; the top-level
 * modules linked into its programs; and the modules, libraries and executables
 * the generated project defines itself. A project's library of the same name
 * would shadow or be shadowed by one of them, and the build would fail.
 */
interface Clashes {
  stdlib: string[];
  templates: Record<string, { packages: string[]; libraries: string[]; modules: string[]; own: string[] }>;
}

let clashes: Clashes | undefined;
const recorded = () => (clashes ??= JSON.parse(readFileSync(join(templatesDir, "name-clashes.json"), "utf8")) as Clashes);

let closures: Record<string, string[]> | undefined;
/** Per template (and compare:APPROACH), every opam package its solution holds: templates/depexts.json. */
const opamClosures = () =>
  (closures ??= (JSON.parse(readFileSync(join(templatesDir, "depexts.json"), "utf8")) as { closure: Record<string, string[]> }).closure);

/** The library name (`-` read as `_`) of an opam package, a dune library or its top module. */
const libraryForm = (name: string) => name.replace(/-/g, "_");
const uncapitalised = (module: string) => module[0].toLowerCase() + module.slice(1);

/**
 * Programs the generated projects' own rules run by name: a project's public executable of
 * that name would be run instead (dune looks in the project first).
 */
const TOOLS: Record<string, string> = {
  ocamlformat: "dune build @fmt runs it",
  mpirun: "the mpi template's dune build @mpirun runs it",
};

/**
 * The library and opam package names template `id` (templateId) brings into a project: its
 * libraries' whole findlib closure and its whole opam solution, `-` read as `_`. `add` checks
 * the project's own libraries against them.
 */
export function namesBroughtBy(id: string): Set<string> {
  const t = recorded().templates[id];
  const names = [...(t?.libraries ?? []).map((l) => l.split(".")[0]), ...(t?.packages ?? []), ...(opamClosures()[id] ?? [])];
  return new Set(names.map(libraryForm));
}

/** "a", "a and b", "a, b and c" */
const listed = (items: string[]) => (items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`);

/** Why the library `library` (from package `name`) cannot be built beside what the templates use, if it cannot. */
function clash(name: string, library: string): string | undefined {
  const { stdlib, templates } = recorded();
  const where = (has: (t: Clashes["templates"][string]) => string | undefined) =>
    Object.entries(templates).flatMap(([id, t]) => {
      const found = has(t);
      return found ? [{ id, found }] : [];
    });
  const own = where((t) => t.own.find((n) => n === library));
  if (own.length)
    return `"${name}" clashes with a module of the generated project (${own[0].found} in the ${listed(own.map((o) => o.id))} templates); pick another name`;
  // the project's library is wrapped in the module `Library` (library name capitalised)
  const module = library[0].toUpperCase() + library.slice(1);
  const standard = stdlib.find((m) => m === module);
  if (standard) return `"${name}" clashes with a module of OCaml's standard library (${standard}); pick another name`;
  const packages = where((t) => t.packages.find((p) => p === name || libraryForm(p) === library));
  if (packages.length)
    return `"${name}" clashes with the opam package "${packages[0].found}" that templates depend on (${listed(packages.map((p) => p.id))}); pick another name`;
  const modules = where((t) => t.modules.find((m) => m === module));
  if (modules.length)
    return `"${name}" clashes with a module that templates link (${modules[0].found}, in ${listed(modules.map((m) => m.id))}); pick another name`;
  const libraries = where((t) => t.libraries.find((l) => [l, l.split(".")[0]].some((x) => x === name || libraryForm(x) === library)));
  if (libraries.length)
    return `"${name}" clashes with the library "${libraries[0].found}" that templates depend on (${listed(libraries.map((l) => l.id))}); pick another name`;
  // the whole opam solution: a project of the name of a package in it could not be installed beside it
  const needing = Object.entries(opamClosures())
    .filter(([, packages]) => packages.some((p) => p === name || libraryForm(p) === library))
    .map(([id]) => id);
  const plain = needing.filter((id) => !id.includes(":"));
  if (needing.length)
    return `"${name}" clashes with an opam package that the dependencies of ${plain.length ? listed(plain) : "compare's approaches"} need: opam would find no solution for the project; pick another name`;
  if (TOOLS[name])
    return `"${name}" clashes with a program the project's own rules run (${TOOLS[name]}): the project's executable of that name would run instead; pick another name`;
  return undefined;
}

/**
 * Every project library name that clash() refuses, in the form clash() compares, sorted
 * (prebuild.ts keeps it in prebuilt.json).
 */
export function deriveClashingLibraries(): string[] {
  const { stdlib, templates } = recorded();
  const names = new Set([
    ...Object.values(templates).flatMap((t) => [
      ...t.own,
      ...t.packages.map(libraryForm),
      ...t.modules.map(uncapitalised),
      ...t.libraries.flatMap((l) => [libraryForm(l), libraryForm(l.split(".")[0])]),
    ]),
    ...stdlib.map(uncapitalised),
    ...Object.values(opamClosures()).flat().map(libraryForm),
    ...Object.keys(TOOLS).map(libraryForm),
  ]);
  return [...names].sort();
}

let clashing: Set<string> | undefined;
/** deriveClashingLibraries, as the build kept it or derived here: a name outside it needs no search of the records. */
const clashingLibraries = () => (clashing ??= new Set(prebuilt()?.clashingLibraries ?? deriveClashingLibraries()));

const MAX_LENGTH = 64;

/** Folds control characters (newlines included) into spaces: free text stays on one line. */
export const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();

/** Lower-cases and turns runs of spaces into `-`: the only rewrites made silently. */
export function normaliseName(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, "-");
}

/**
 * Why `name` (already normalised) cannot be a project name, or undefined if it can.
 * `dependencies` are the opam packages and dune libraries the templates name
 * (catalog.ts's dependencyNames). A name is refused when it clashes with any
 * template's, so the same names work whichever template is chosen.
 */
export function nameProblem(name: string, dependencies: readonly string[] = []): string | undefined {
  if (name === "") return "the project name is empty";
  if (name.length > MAX_LENGTH) return `the project name is ${name.length} characters long; keep it to ${MAX_LENGTH}`;
  if (/[/\\]/.test(name) || name === "." || name === "..")
    return `"${name}" is a path, not a name: pass the directory as the first argument and --name for the package`;
  if (!/^[a-z]/.test(name)) return `"${name}" must start with a letter (the library's OCaml module name is made from it)`;
  if (!/^[a-z][a-z0-9_-]*$/.test(name))
    return `"${name}" may only contain lower-case letters, digits, "-" and "_" (opam package and OCaml library names)`;
  if (/[-_]{2}|[-_]$/.test(name)) return `"${name}" must not end with or repeat "-" or "_"`;
  const library = libraryForm(name);
  if (KEYWORDS.has(library)) return `"${name}" is an OCaml keyword; pick another name`;
  const clashes = clashingLibraries().has(library) && clash(name, library);
  if (clashes) return clashes;
  // the manifests' own names, should the record lag behind them
  const dependency = dependencies.find((d) => d === name || libraryForm(d.split(".")[0]) === library);
  if (dependency) return `"${name}" clashes with the library "${dependency}" that templates depend on; pick another name`;
  return undefined;
}

export function projectNames(name: string): ProjectNames {
  const library = libraryForm(name);
  return { package: name, library, module: library[0].toUpperCase() + library.slice(1) };
}

/** The authors and maintainers of dune-project when none are given, as `dune init` writes them. */
export const DEFAULT_AUTHOR = "Author Name <author@example.com>";
