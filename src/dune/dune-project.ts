/**
 * Reading a project's `dune-project` and adding dependencies to one package's
 * `(depends ...)`: the new entries are inserted after the last one, in the
 * file's own layout, and nothing else of the file changes.
 */
import type { OpamDependency } from "../catalog/catalog.js";
import { type Formula, providing } from "./constraints.js";
import { duneDependency } from "./depends.js";
import { formatDune } from "./format.js";
import {
  appendToList,
  fieldsNamed,
  fieldValues,
  insertAt,
  lineOf,
  parseSexp,
  type Sexp,
  SexpError,
  type SexpList,
  scalar,
  values,
} from "./sexp.js";

export interface DunePackage {
  name: string;
  stanza: SexpList;
}

export interface DuneProject {
  text: string;
  /** `3.11` from `(lang dune 3.11)` */
  lang?: string;
  /** dune writes the `.opam` files from the `(package ...)` stanzas */
  generateOpamFiles: boolean;
  packages: DunePackage[];
}

/** Why an edit cannot be made safely; the caller says what to add by hand. */
export class UnsafeEdit extends Error {}

/** Parses `dune-project`; a SexpError says where dune itself would fail. */
export function readDuneProject(text: string): DuneProject {
  const top = parseSexp(text);
  // dune wants (field ...) lists at the top, and in a package stanza: `#| |#` and `#;` (no comments in dune 3) are refused there
  for (const stanza of [top, ...fieldsNamed(top, "package").map((p) => values(p.items).slice(1))])
    for (const n of stanza)
      if (n.kind === "atom" || n.kind === "string")
        throw new SexpError(
          `${text.slice(n.start, n.end)} where dune expects a (field ...) (dune 3 has no #| |# or #; comments)`,
          lineOf(text, n.start),
        );
  const generate = fieldValues(top, "generate_opam_files");
  const lang = fieldValues(top, "lang");
  return {
    text,
    lang: scalar(lang?.[0]) === "dune" ? scalar(lang?.[1]) : undefined,
    // `(generate_opam_files)` alone means true
    generateOpamFiles: generate !== undefined && scalar(generate[0]) !== "false",
    packages: fieldsNamed(top, "package").flatMap((stanza) => {
      const name = scalar(fieldValues(stanza.items, "name")?.[0]);
      return name ? [{ name, stanza }] : [];
    }),
  };
}

/** An element's text on one line, for comparing and quoting. */
const compact = (text: string, n: Sexp) => text.slice(n.start, n.end).replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")");

/** opam's package names: letters, digits, "-", "_", "+", with a letter. */
export const PACKAGE_NAME = /^[A-Za-z0-9_+-]*[A-Za-z][A-Za-z0-9_+-]*$/;

/** A `(depends ...)` element as dune reads it: `name`, `"name"` or `(name CONSTRAINT)`; undefined for what dune refuses. */
function entryOf(n: Sexp): { name: string; constraint?: Sexp } | undefined {
  const [head, ...rest] = n.kind === "list" ? values(n.items) : [n];
  const name = head?.kind === "atom" || head?.kind === "string" ? scalar(head) : undefined;
  if (!name || !PACKAGE_NAME.test(name) || rest.length > 1 || (n.kind === "list" && rest.length === 0)) return undefined;
  return { name, constraint: rest[0] };
}

const RELATIONS: Record<string, string> = { "=": "=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=" };

/** dune's constraint language as a Formula; throws UnsafeEdit on what dune refuses. */
function duneFormula(text: string, n: Sexp): Formula {
  const refuse = (): never => {
    throw new UnsafeEdit(`${compact(text, n)} is not a constraint dune reads`);
  };
  if (n.kind === "atom" && n.text.startsWith(":")) return { kind: "flag", name: n.text.slice(1) };
  if (n.kind !== "list") return refuse();
  const [head, ...rest] = values(n.items);
  const op = head?.kind === "atom" ? head.text : "";
  if ((op === "and" || op === "or") && rest.length) return { kind: op, items: rest.map((x) => duneFormula(text, x)) };
  if (op === "not" && rest.length === 1) return { kind: "not", item: duneFormula(text, rest[0]) };
  const version = rest.length === 1 ? scalar(rest[0]) : undefined;
  if (!(op in RELATIONS) || version === undefined) return refuse();
  // (= :version) and other variables: a value this tool does not know
  return rest[0].kind === "atom" && version.startsWith(":")
    ? { kind: "flag", name: version }
    : { kind: "version", op: RELATIONS[op], version };
}

export interface DependencyEdit {
  /** the file's new text (the same text when nothing is added) */
  text: string;
  added: OpamDependency[];
  /** present already, with another constraint than the template's: left as the user wrote it */
  kept: { name: string; theirs: string; ours: string }[];
  /** how many elements `(depends ...)` had before, and whether `dune` is one: where dune puts the new ones in the .opam */
  before: { count: number; names: string[]; last: string[] };
}

/** Adds the `deps` missing from package `pkg`'s depends; throws UnsafeEdit when the stanza cannot be edited safely. */
export function addDuneDependencies(project: DuneProject, pkg: string, deps: OpamDependency[]): DependencyEdit {
  const { text } = project;
  const stanza = project.packages.find((p) => p.name === pkg)?.stanza;
  if (!stanza) throw new UnsafeEdit(`dune-project has no (package (name ${pkg}))`);
  const dependsFields = fieldsNamed(stanza.items, "depends");
  if (dependsFields.length > 1) throw new UnsafeEdit(`package ${pkg} has (depends ...) more than once`);
  const depends = dependsFields[0];
  const existing = depends ? values(depends.items).slice(1) : [];
  const entries = existing.map((e) => {
    const entry = entryOf(e);
    if (!entry)
      throw new UnsafeEdit(
        `package ${pkg}'s depends has ${compact(text, e)}, which dune refuses too (an entry is NAME or (NAME CONSTRAINT); dune 3 has no #| |# or #; comments)`,
      );
    const formula = entry.constraint && duneFormula(text, entry.constraint);
    return { name: entry.name, formula, guaranteed: true, text: compact(text, e) };
  });
  const added: OpamDependency[] = [];
  const kept: DependencyEdit["kept"] = [];
  for (const d of deps) {
    const theirs = providing(
      entries.filter((e) => e.name === d.name),
      d,
      duneDependency(d),
    );
    const others = entries.filter((e) => e.name === d.name);
    // an entry only for tests or docs: dune warns of a package given twice, so the two are to be made one
    if (!theirs && others.length)
      throw new UnsafeEdit(
        `package ${pkg}'s depends has ${others.map((e) => e.text).join(" ")}, which does not give ${d.name} to the build (only to tests or docs), and dune warns of a package given twice. Make it ${duneDependency(d)} (with (and ...) to keep a filter of yours)`,
      );
    if (!theirs) added.push(d);
    else if ((d.constraints.length || d.test) && theirs.text !== duneDependency(d))
      kept.push({ name: d.name, theirs: theirs.text, ours: duneDependency(d) });
  }
  // opam refuses a package both in depends and depopts (opam lint's error 31)
  const optional = (fieldValues(stanza.items, "depopts") ?? []).map((e) => entryOf(e)?.name);
  const both = added.filter((d) => optional.includes(d.name)).map((d) => d.name);
  if (both.length)
    throw new UnsafeEdit(
      `package ${pkg} has ${both.join(", ")} in (depopts ...), as an optional dependency, and opam refuses a package both there and in depends (opam lint's error 31). Move it from depopts to depends`,
    );
  const before = {
    count: existing.length,
    names: entries.map((e) => e.name),
    last: entries.length ? [entries[entries.length - 1].name] : [],
  };
  if (added.length === 0) return { text, added, kept, before };
  const lines = added.map(duneDependency);
  const insertion = depends ? appendToList(text, depends, lines) : appendToList(text, stanza, [`(depends ${lines.join(" ")})`]);
  // a stanza laid out as dune lays it out is laid out again after the insertion; any other keeps its layout
  const old = text.slice(stanza.start, stanza.end);
  const edited = insertAt(old, { at: insertion.at - stanza.start, insert: insertion.insert });
  const formatted = isDuneLayout(text, stanza) ? formatDune(edited).trimEnd() : edited;
  return { text: text.slice(0, stanza.start) + formatted + text.slice(stanza.end), added, kept, before };
}

/** Whether `dune format-dune-file` would leave the stanza as it is. */
function isDuneLayout(text: string, stanza: SexpList): boolean {
  if (stanza.start !== text.lastIndexOf("\n", stanza.start - 1) + 1) return false;
  const old = text.slice(stanza.start, stanza.end);
  try {
    return formatDune(old) === `${old}\n`;
  } catch {
    return false; // what dune-format.ts does not lay out (multi-line strings): keep the user's layout
  }
}
