/**
 * An existing dune project as dune sees it: where its root is, its packages,
 * and the names its dune files define (libraries, public names, executables,
 * modules), so that what `add` brings clashes with none of them.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { CreateError } from "../errors.js";
import { fieldsNamed, fieldValues, headOf, parseSexp, type Sexp, type SexpList, scalar, values } from "./sexp.js";
import { duneRootFrom } from "./workspace.js";

export interface Located {
  /** the dune root: where dune runs from, and where _build/ is */
  root: string;
  /** the folder of the dune-project being added to */
  project: string;
  /** how the root was found, to say so */
  how: string;
}

/**
 * dune's own rule: the root is the outermost folder above `start` with a
 * dune-workspace, else the outermost with a dune-project. The project is the
 * nearest dune-project at or above `start`, inside the root.
 */
export function locateProject(start: string): Located {
  if (!existsSync(start) || !statSync(start).isDirectory()) throw new CreateError(`${start} is not a folder`);
  const from = realpathSync(start);
  const found = duneRootFrom(from);
  const root = found?.root;
  const project = nearestProject(from);
  if (!root || !project)
    throw new CreateError(
      `no dune project here: neither ${from} nor a folder above it has a dune-project. Run this inside a dune project, or point at one with --into DIR (to start a new project: create-ocaml-parallel DIR --template NAME)`,
    );
  if (relative(root, project).startsWith(".."))
    throw new CreateError(
      `the dune workspace ${root} has no dune-project at or above ${from}; run this inside one of its projects or pass --into`,
    );
  const how =
    root === project
      ? "it is the dune root: the outermost folder above here with a dune-project, as dune looks for it"
      : `inside the dune root ${root}, the outermost folder above here with a ${found?.workspace ? "dune-workspace" : "dune-project"}, as dune looks for it`;
  return { root, project, how };
}

/** The nearest folder at or above `dir` with a dune-project. */
function nearestProject(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, "dune-project"))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** Where a name is defined, for messages: `lib/dune`. */
export type Where = string;

export interface ProjectScan {
  libraries: Map<string, Where>;
  /** public names of libraries and executables (installed names) */
  publicNames: Map<string, Where>;
  /** executable and test names */
  executables: Map<string, Where>;
  /** OCaml module names: libraries' main modules and every .ml/.mli beside a stanza */
  modules: Map<string, Where>;
  /** libraries the project's stanzas use (a local library of that name would shadow them) */
  used: Map<string, Where>;
  /** dune files this tool could not read (dune in OCaml syntax, say) */
  unreadable: string[];
  /** per folder (relative to the root, "" for the root): its dune file's elements, and those of `(subdir ...)` stanzas above for it */
  duneFiles: Map<string, Sexp[]>;
  /** the folders that `(subdir ...)` stanzas speak of, and the dune file of the stanza */
  subdirStanzas: Map<string, Where>;
}

const capitalised = (s: string) => s[0].toUpperCase() + s.slice(1);
const STANZAS = new Set(["library", "executable", "executables", "test", "tests"]);

/** Reads every dune file below `root` that dune reads (folders starting with . or _ are skipped, as dune does). */
export function scanProject(root: string): ProjectScan {
  const scan: ProjectScan = {
    libraries: new Map(),
    publicNames: new Map(),
    executables: new Map(),
    modules: new Map(),
    used: new Map(),
    unreadable: [],
    duneFiles: new Map(),
    subdirStanzas: new Map(),
  };
  const note = (map: Map<string, Where>, name: string | undefined, where: Where) => {
    if (name && !map.has(name)) map.set(name, where);
  };
  const stanzas = (items: Sexp[], folder: string, where: Where) => {
    for (const stanza of items) {
      const head = headOf(stanza);
      if (stanza.kind !== "list" || !head) continue;
      if (head === "subdir") {
        const path = scalar(values(stanza.items)[1]);
        if (path) stanzas(values(stanza.items).slice(2), join(folder, path), where);
        continue;
      }
      if (!STANZAS.has(head)) continue;
      const field = (name: string) => (fieldValues(stanza.items, name) ?? []).map(scalar).filter((s): s is string => s !== undefined);
      if (head === "library") {
        for (const name of field("name")) {
          note(scan.libraries, name, where);
          note(scan.modules, capitalised(name), where);
        }
        for (const name of field("public_name")) note(scan.publicNames, name, where);
      } else {
        for (const name of [...field("name"), ...field("names")]) {
          note(scan.executables, name, where);
          note(scan.modules, capitalised(name), where);
        }
        for (const name of [...field("public_name"), ...field("public_names")]) note(scan.publicNames, name, where);
      }
      for (const lib of atomsIn(fieldsNamed(stanza.items, "libraries"))) note(scan.used, lib, where);
      const dir = join(root, folder);
      if (existsSync(dir))
        for (const f of readdirSync(dir))
          if (/^[A-Za-z][A-Za-z0-9_']*\.mli?$/.test(f))
            note(scan.modules, capitalised(f.replace(/\.mli?$/, "")), `${relative(root, dir) || "."}/${f}`);
    }
  };
  /** `(subdir PATH ...)` stanzas of the dune files above: their fields count as the folder's own dune file's */
  const fromAbove = new Map<string, Sexp[]>();
  const collectSubdirs = (items: Sexp[], folder: string, where: Where) => {
    for (const stanza of items) {
      const path = headOf(stanza) === "subdir" && stanza.kind === "list" ? scalar(values(stanza.items)[1]) : undefined;
      // dune takes only folders below (it refuses "..")
      if (path === undefined || path.split("/").includes("..") || path.startsWith("/")) continue;
      const inside = join(folder, path);
      const body = values((stanza as SexpList).items).slice(2);
      fromAbove.set(inside, [...(fromAbove.get(inside) ?? []), ...body]);
      note(scan.subdirStanzas, inside, where);
      collectSubdirs(body, inside, where);
    }
  };
  const visit = (folder: string) => {
    const dir = join(root, folder);
    const file = join(dir, "dune");
    const where = folder === "" ? "dune" : `${folder.split(sep).join("/")}/dune`;
    let items: Sexp[] = [];
    if (existsSync(file) && statSync(file).isFile()) {
      try {
        items = parseSexp(readFileSync(file, "utf8"));
        stanzas(items, folder, where);
        collectSubdirs(items, folder, where);
      } catch {
        scan.unreadable.push(where);
      }
    }
    items = [...items, ...(fromAbove.get(folder) ?? [])];
    if (items.length) scan.duneFiles.set(folder, items);
    // the folders dune reads: (dirs ...) and (data_only_dirs ...) say which (node_modules is often left out so)
    const dirs = fieldValues(items, "dirs");
    const dataOnly = fieldValues(items, "data_only_dirs");
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (
        e.isDirectory() &&
        !/^[._]/.test(e.name) &&
        (!dirs || listed(dirs, e.name, true)) &&
        !(dataOnly && listed(dataOnly, e.name, false))
      )
        visit(join(folder, e.name));
  };
  visit("");
  // a (subdir ...) may speak of a folder not made yet: the one the approach would go to, say
  for (const [folder, items] of fromAbove) if (!scan.duneFiles.has(folder)) scan.duneFiles.set(folder, items);
  return scan;
}

/** The library names in `(libraries ...)` fields: `(select ...)` and `(re_export ...)` looked into. */
function atomsIn(items: Sexp[]): string[] {
  return items.flatMap((n) => {
    if (n.kind === "atom") return /^[a-z][a-zA-Z0-9_.-]*$/.test(n.text) && !n.text.endsWith(".ml") ? [n.text] : [];
    if (n.kind === "list") return atomsIn(values(n.items).slice(headOf(n) === "libraries" ? 1 : 0));
    return [];
  });
}

/**
 * Why dune would not build and test a folder at `dir` (relative to the root, "/"-separated),
 * going by the dune files above it (and their `(subdir ...)` stanzas): `(include_subdirs ...)`
 * makes sub-folders part of the stanza above; `(dirs ...)`, `(data_only_dirs ...)` leave folders
 * out; `(vendored_dirs ...)` builds only what is installed or used, and runs no test there.
 */
export function placementProblem(scan: ProjectScan, dir: string): string | undefined {
  const parts = dir.split("/");
  for (let k = 0; k < parts.length; k++) {
    const folder = parts.slice(0, k).join(sep);
    const items = scan.duneFiles.get(folder);
    if (!items) continue;
    const own = folder === "" ? "dune" : `${parts.slice(0, k).join("/")}/dune`;
    const above = scan.subdirStanzas.get(folder);
    const file = above ? `${own} or the (subdir ...) in ${above}` : own;
    const child = parts[k];
    const path = parts.slice(0, k + 1).join("/");
    const include = scalar(fieldValues(items, "include_subdirs")?.[0]);
    if (include && include !== "no")
      return `${file} has (include_subdirs ${include}), so dune would take the new folder's dune files as part of ${folder === "" ? "the root" : folder}; choose a --dir outside it`;
    const dirs = fieldValues(items, "dirs");
    if (dirs && !listed(dirs, child, true))
      return `${file} has (dirs ...) without ${child}, so dune would not look into ${path}; add ${child} to it or choose another --dir`;
    for (const field of ["data_only_dirs", "ignored_subdirs"]) {
      const v = fieldValues(items, field);
      if (v && listed(v, child, false))
        return `${file} has (${field} ... ${child} ...), so dune would not build ${path}; choose another --dir`;
    }
    const vendored = fieldValues(items, "vendored_dirs");
    if (vendored && listed(vendored, child, false))
      return `${file} has (vendored_dirs ... ${child} ...): dune builds in a vendored folder only what is installed or used elsewhere, and runs no test, format check or warning there, so the approach's test would never run; choose another --dir`;
  }
  return undefined;
}

/** dune's globs (`*`, `?`, `[a-z]`, `{a,b}`) as a regular expression of a whole folder name. */
function globRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^$()|\\]|\*|\?|\{[^}]*\}/g, (m) => {
    if (m === "*") return "[^/]*";
    if (m === "?") return "[^/]";
    if (m.startsWith("{"))
      return `(?:${m
        .slice(1, -1)
        .split(",")
        .map((x) => x.replace(/[.+^$()|\\*?]/g, "\\$&"))
        .join("|")})`;
    return `\\${m}`;
  });
  return new RegExp(`^${body}$`);
}

/** Whether `(dirs ...)`-like values include `name`: matched by a name or glob, or `:standard` and not taken out with `\`. */
function listed(items: Sexp[], name: string, standardIncludes: boolean): boolean {
  const atoms = items.flatMap((n): Sexp[] => (n.kind === "list" ? values(n.items) : [n])).map((n) => scalar(n) ?? "");
  const cut = atoms.indexOf("\\");
  const given = cut < 0 ? atoms : atoms.slice(0, cut);
  const removed = cut < 0 ? [] : atoms.slice(cut + 1);
  const matches = (globs: string[]) => globs.some((g) => g !== ":standard" && globRegExp(g).test(name));
  if (matches(removed)) return false;
  return matches(given) || (standardIncludes && given.includes(":standard"));
}

/** The project's opam packages: `(package ...)` stanzas, else the `.opam` files beside dune-project. */
export function opamFilesIn(project: string): string[] {
  return readdirSync(project)
    .filter((f) => f.endsWith(".opam") && f !== ".opam" && statSync(join(project, f)).isFile())
    .map((f) => f.slice(0, -".opam".length))
    .sort();
}
