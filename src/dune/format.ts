/**
 * Lays out dune files (dune, dune-project, dune-workspace) exactly as
 * `dune format-dune-file` does, so a generated project passes `dune build @fmt`
 * however long its name is. A port of dune's src/dune_lang/format.ml (dune
 * language ≥ 2.8) and of the OCaml Format decisions it relies on, at Format's
 * default margin of 78 columns, counted in bytes as Format does:
 *
 * - a list of atoms, strings and lists of at most one element goes on one line
 *   when it fits in what is left of the line, else one element per line;
 * - any other list puts each element on its own line, indented by one;
 * - top-level forms and comments are separated by a blank line.
 *
 * test/format.test.ts checks it against the real dune.
 */
import { parseSexp, type Sexp } from "./sexp.js";

type Node =
  /** an atom, a quoted string or a template, as written */
  | { kind: "atom"; text: string; line: number }
  | { kind: "list"; items: Node[]; line: number }
  /** consecutive `;` comment lines, without their `;` */
  | { kind: "comment"; lines: string[]; line: number };

/**
 * Format's margin is 78; a box fits when it ends before the last column, so a
 * short list's line, its parentheses included, takes at most 77 columns.
 */
const LAST_COLUMN = 77;
/** Format breaks the line rather than open a box (here: a comment) past this column. */
const MAX_INDENT = 68;

/** The 1-based line of a position, from the lines' starts found once (not a scan of the text per element). */
function lineFinder(text: string): (pos: number) => number {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (pos) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** sexp.ts's elements as the layout needs them: each with its line, strings as atoms, comments on consecutive lines grouped as dune groups them. */
function nodes(text: string, items: Sexp[], lineOf = lineFinder(text)): Node[] {
  const out: Node[] = [];
  for (const item of items) {
    const line = lineOf(item.start);
    if (item.kind === "list") out.push({ kind: "list", items: nodes(text, item.items, lineOf), line });
    else if (item.kind === "comment") {
      const comment = text.slice(item.start + 1, item.end);
      const last = out[out.length - 1];
      if (last?.kind === "comment" && last.line + last.lines.length === line) last.lines.push(comment);
      else out.push({ kind: "comment", lines: [comment], line });
    } else {
      if (item.text.includes("\n")) throw new Error(`dune-format: a multi-line string (not supported here) at line ${line}`);
      out.push({ kind: "atom", text: item.text, line });
    }
  }
  return out;
}

/** Columns: dune counts a UTF-8 character as one. */
const width = (s: string) => [...s].length;

/** dune's `pp_simple`: a short element, always written on one line. */
const flat = (n: Node): string => {
  if (n.kind === "comment") throw new Error("dune-format: a comment inside a short list (not supported here)");
  return n.kind === "atom" ? n.text : `(${n.items.map(flat).join(" ")})`;
};

/** dune's `can_be_displayed_wrapped`. */
const simple = (items: Node[]) => items.every((n) => n.kind === "atom" || (n.kind === "list" && n.items.length <= 1));

/** `node` printed with its first character at `column`. */
function print(n: Node, column: number): string {
  if (n.kind === "atom") return n.text;
  if (n.kind === "comment") return n.lines.map((l) => `;${l}`).join(`\n${" ".repeat(column)}`);
  const newline = `\n${" ".repeat(column + 1)}`;
  if (simple(n.items)) {
    const line = flat(n);
    return column + width(line) <= LAST_COLUMN ? line : `(${n.items.map(flat).join(newline)})`;
  }
  let out = "(";
  /** The column the next character of `out` goes to. */
  const at = () => (out.includes("\n") ? width(out.slice(out.lastIndexOf("\n") + 1)) : column + width(out));
  n.items.forEach((item, k) => {
    if (k > 0) {
      // a comment on the same line as the element before it stays there, if it starts early enough
      const attached = item.kind === "comment" && n.items[k - 1].line === item.line;
      out += attached ? " " : newline;
      if (attached && at() > MAX_INDENT) out += newline;
    }
    out += print(item, at());
  });
  // dune ends a comment's line, even the last element's
  return `${out}${n.items[n.items.length - 1]?.kind === "comment" ? newline : ""})`;
}

/** The text `dune format-dune-file` would print for `text`. */
export function formatDune(text: string): string {
  return nodes(text, parseSexp(text))
    .map((n) => `${print(n, 0)}\n`)
    .join("\n");
}

/** Whether a generated file is a dune file, by its path. */
export const isDuneFile = (path: string) => /(^|\/)(dune|dune-project|dune-workspace)$/.test(path);
