/**
 * Reading a project's `dune-project` and adding dependencies to one package's
 * `(depends ...)`: the new entries are inserted after the last one, in the
 * file's own layout, and nothing else of the file changes.
 */
import type { OpamDependency } from "../catalog/catalog.js";
import { duneDependency } from "./depends.js";
import { formatDune } from "./format.js";
import { appendToList, fieldsNamed, fieldValues, headOf, insertAt, parseSexp, type Sexp, type SexpList, scalar, values } from "./sexp.js";

export interface DunePackage {
  name: string;
  stanza: SexpList;
}

export interface DuneProject {
  text: string;
  /** dune writes the `.opam` files from the `(package ...)` stanzas */
  generateOpamFiles: boolean;
  packages: DunePackage[];
}

/** Why an edit cannot be made safely; the caller says what to add by hand. */
export class UnsafeEdit extends Error {}

/** Parses `dune-project`; a SexpError says where dune itself would fail. */
export function readDuneProject(text: string): DuneProject {
  const top = parseSexp(text);
  const generate = fieldValues(top, "generate_opam_files");
  return {
    text,
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

/** The packages a `(depends ...)` element names, formulas (`(or a b)`) included, with the element. */
function namesIn(n: Sexp): string[] {
  if (n.kind === "atom" || n.kind === "string") return [scalar(n) ?? ""];
  const head = headOf(n);
  if (n.kind !== "list" || head === undefined) return [];
  return head === "or" || head === "and" ? values(n.items).slice(1).flatMap(namesIn) : [head];
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
  for (const e of existing)
    if (e.kind === "string" || namesIn(e).length === 0)
      throw new UnsafeEdit(`package ${pkg}'s depends has an entry this tool does not read: ${compact(text, e)}`);
  const present = new Map(existing.flatMap((e) => namesIn(e).map((name) => [name, e] as const)));
  const added: OpamDependency[] = [];
  const kept: DependencyEdit["kept"] = [];
  for (const d of deps) {
    const theirs = present.get(d.name);
    if (!theirs) added.push(d);
    else if ((d.constraints.length || d.test) && compact(text, theirs) !== duneDependency(d))
      kept.push({ name: d.name, theirs: compact(text, theirs), ours: duneDependency(d) });
  }
  const before = {
    count: existing.length,
    names: existing.flatMap(namesIn),
    last: existing.length ? namesIn(existing[existing.length - 1]) : [],
  };
  if (added.length === 0) return { text, added, kept, before };
  const entries = added.map(duneDependency);
  const insertion = depends ? appendToList(text, depends, entries) : appendToList(text, stanza, [`(depends ${entries.join(" ")})`]);
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
