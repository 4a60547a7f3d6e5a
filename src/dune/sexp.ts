/**
 * dune's s-expressions, read with the position of every element, so a file can
 * be edited by inserting text at a located place: every other byte stays as
 * the user wrote it. Reads what dune 3 reads: atoms, "strings" (and "\| block
 * strings) and `;` comments (dune 3 has no `#| |#` or `#;` comments: `#|` is an atom).
 */

export type Sexp =
  | { kind: "atom"; text: string; start: number; end: number }
  /** `text` is the string as written, quotes included */
  | { kind: "string"; text: string; start: number; end: number }
  /** `start` is at "(", `end` just after ")" */
  | { kind: "list"; items: Sexp[]; start: number; end: number }
  /** a `;` comment, to the end of its line (the newline excluded) */
  | { kind: "comment"; start: number; end: number };

export type SexpList = Extract<Sexp, { kind: "list" }>;

export class SexpError extends Error {
  constructor(
    readonly why: string,
    readonly line: number,
  ) {
    super(`${why} at line ${line}`);
  }
}

/** 1-based line of the character at `pos`. */
export const lineOf = (text: string, pos: number) => text.slice(0, pos).split("\n").length;

const ATOM_END = /[\s()";]/;

/** The top-level elements of `text`; throws a SexpError on what dune would refuse. */
export function parseSexp(text: string): Sexp[] {
  let i = 0;
  const fail = (why: string, at = i): never => {
    throw new SexpError(why, lineOf(text, at));
  };
  const datum = (): Sexp | undefined => {
    for (;;) {
      const c = text[i];
      if (c === undefined || c === ")") return undefined;
      if (/\s/.test(c)) i++;
      else if (c === ";") {
        const start = i;
        const end = text.indexOf("\n", i);
        i = end < 0 ? text.length : end;
        return { kind: "comment", start, end: i };
      } else if (c === "(") {
        const start = i++;
        const items: Sexp[] = [];
        for (let item = datum(); item; item = datum()) items.push(item);
        if (text[i] !== ")") fail("unclosed parenthesis", start);
        return { kind: "list", items, start, end: ++i };
      } else if (c === '"') {
        const start = i++;
        // "\| and "\> start a block string, which runs to the end of the line
        if (text[i] === "\\" && (text[i + 1] === "|" || text[i + 1] === ">")) {
          const end = text.indexOf("\n", i);
          i = end < 0 ? text.length : end;
          return { kind: "string", text: text.slice(start, i), start, end: i };
        }
        while (text[i] !== '"') {
          if (text[i] === undefined) fail("unterminated string", start);
          i += text[i] === "\\" ? 2 : 1;
        }
        i++;
        return { kind: "string", text: text.slice(start, i), start, end: i };
      } else {
        const start = i;
        while (i < text.length && !ATOM_END.test(text[i])) i++;
        return { kind: "atom", text: text.slice(start, i), start, end: i };
      }
    }
  };
  const top: Sexp[] = [];
  for (;;) {
    const item = datum();
    if (item) top.push(item);
    else if (text[i] === ")") fail("unexpected )");
    else return top;
  }
}

/** The elements that count: comments left out. */
export const values = (items: Sexp[]) => items.filter((n) => n.kind !== "comment");

/** The atom or string's value (a string unquoted); undefined for lists and comments. */
export function scalar(n: Sexp | undefined): string | undefined {
  if (n?.kind === "atom") return n.text;
  if (n?.kind === "string" && !n.text.startsWith('"\\|') && !n.text.startsWith('"\\>'))
    return n.text.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t" })[c] ?? c);
  return undefined;
}

/** A list's head: the atom it starts with (`library` in `(library ...)`). */
export const headOf = (n: Sexp): string | undefined => (n.kind === "list" && n.items[0]?.kind === "atom" ? n.items[0].text : undefined);

/** The lists among `items` whose head is `name`. */
export const fieldsNamed = (items: Sexp[], name: string): SexpList[] =>
  items.filter((n): n is SexpList => n.kind === "list" && headOf(n) === name);

/** The values after the head of the only `(name ...)` among `items`, or undefined. */
export function fieldValues(items: Sexp[], name: string): Sexp[] | undefined {
  const found = fieldsNamed(items, name);
  return found.length === 0 ? undefined : values(found[0].items).slice(1);
}

const lineStart = (text: string, pos: number) => text.lastIndexOf("\n", pos - 1) + 1;
const column = (text: string, pos: number) => pos - lineStart(text, pos);

/**
 * Where and what to insert so that `entries` become the last elements of
 * `list` (a list with a head atom), in the list's own layout: on new lines
 * indented as the elements above when the list spreads over lines (or ends
 * with a `;` comment), else on its line, separated by spaces.
 */
export function appendToList(text: string, list: SexpList, entries: string[]): { at: number; insert: string } {
  const body = list.items.slice(1);
  const last = list.items[list.items.length - 1];
  if (body.length === 0) return { at: last.end, insert: entries.map((e) => ` ${e}`).join("") };
  const opening = lineOf(text, list.start);
  const spread = body.some((n) => lineOf(text, n.start) !== opening);
  // a ; comment or a "\| block string runs to the end of its line: what follows must go on the next
  const endsLine = last.kind === "comment" || (last.kind === "string" && /^"\\[|>]/.test(last.text));
  if (!spread && !endsLine) return { at: last.end, insert: entries.map((e) => ` ${e}`).join("") };
  // the indentation of the last element's line, or, on the list's own line, the column of its first element
  const indent =
    lineOf(text, last.start) === opening
      ? " ".repeat(column(text, body[0].start))
      : text.slice(lineStart(text, last.start), last.start).match(/^[ \t]*/)![0];
  return { at: last.end, insert: entries.map((e) => `\n${indent}${e}`).join("") };
}

/** `text` with `insert` put at `at`. */
export const insertAt = (text: string, { at, insert }: { at: number; insert: string }) => text.slice(0, at) + insert + text.slice(at);
