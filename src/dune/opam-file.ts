/**
 * Reading an `.opam` file's `depends: [...]` and adding packages to it: the
 * file is split into opam's tokens (with their positions), the list located,
 * and the new entries inserted after its last one in the list's own layout.
 * Every other byte of the file stays as it was.
 */
import type { OpamDependency } from "../catalog/catalog.js";
import { type Formula, isRelation, providing } from "./constraints.js";
import { opamDependency } from "./depends.js";
import { UnsafeEdit } from "./dune-project.js";
import { lineOf } from "./sexp.js";

interface Token {
  kind: "string" | "word" | "punct" | "op" | "comment";
  text: string;
  start: number;
  end: number;
}

/** opam's lexical syntax; throws UnsafeEdit on anything else. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: Token["kind"], start: number) => tokens.push({ kind, text: text.slice(start, i), start, end: i });
  const fail = (why: string): never => {
    throw new UnsafeEdit(`${why} at line ${lineOf(text, i)}`);
  };
  while (i < text.length) {
    const start = i;
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === "#") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end;
      push("comment", start);
    } else if (text.startsWith("(*", i)) {
      let depth = 0;
      while (i < text.length) {
        if (text.startsWith("(*", i)) {
          depth++;
          i += 2;
        } else if (text.startsWith("*)", i)) {
          i += 2;
          if (--depth === 0) break;
        } else i++;
      }
      if (depth > 0) fail("an unterminated (* comment");
      push("comment", start);
    } else if (text.startsWith('"""', i)) {
      const end = text.indexOf('"""', i + 3);
      if (end < 0) fail('an unterminated """ string');
      i = end + 3;
      push("string", start);
    } else if (c === '"') {
      i++;
      while (text[i] !== '"') {
        if (text[i] === undefined) fail("an unterminated string");
        i += text[i] === "\\" ? 2 : 1;
      }
      i++;
      push("string", start);
    } else if ("[]{}():".includes(c)) {
      i++;
      push("punct", start);
    } else if (/[!=<>&|?]/.test(c) || (/[+-]/.test(c) && !/[A-Za-z0-9_]/.test(text[i + 1] ?? ""))) {
      i += /^(!=|<=|>=|\+=|=\+|-=|:=|=:)/.test(text.slice(i, i + 2)) ? 2 : 1;
      push("op", start);
    } else if (/[A-Za-z0-9_%.~+-]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_%.~+-]/.test(text[i])) i++;
      push("word", start);
    } else fail(`a character opam does not read (${JSON.stringify(c)})`);
  }
  return tokens;
}

/** One entry of a list: a package (a string, or a formula in parentheses) and its `{...}` constraint. */
interface Member {
  start: number;
  end: number;
  names: string[];
  lineComment: false;
}

export interface OpamDepends {
  open: Token;
  members: Member[];
  /** members and comments, in order: the list's layout */
  elements: { start: number; end: number; lineComment: boolean }[];
}

const closing: Record<string, string> = { "[": "]", "{": "}", "(": ")" };

/** The index after the group opened at `tokens[i]`. */
function skipGroup(tokens: Token[], i: number, text: string): number {
  const stack = [closing[tokens[i].text]];
  for (let j = i + 1; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.kind !== "punct") continue;
    if (closing[t.text]) stack.push(closing[t.text]);
    else if (t.text === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return j + 1;
    } else if (t.text !== ":") throw new UnsafeEdit(`an unexpected "${t.text}" at line ${lineOf(text, t.start)}`);
  }
  throw new UnsafeEdit(`an unclosed "${tokens[i].text}" at line ${lineOf(text, tokens[i].start)}`);
}

/** The `depends:` field's list (or another field's), or undefined when the file has none; throws UnsafeEdit when it cannot be read safely. */
export function readOpamDepends(text: string, field = "depends"): OpamDepends | undefined {
  const tokens = tokenize(text);
  const found: number[] = [];
  // top-level fields: `name:` outside any group (sections like `url { ... }` are skipped whole)
  for (let i = 0; i < tokens.length; ) {
    const t = tokens[i];
    if (t.kind === "punct" && closing[t.text]) i = skipGroup(tokens, i, text);
    else {
      if (t.kind === "word" && t.text === field && tokens[i + 1]?.text === ":") found.push(i + 2);
      i++;
    }
  }
  if (found.length === 0) return undefined;
  if (found.length > 1) throw new UnsafeEdit(`${field}: is given more than once`);
  const open = tokens[found[0]];
  if (open?.text !== "[") throw new UnsafeEdit(`${field}: is not a [ ... ] list`);
  const end = skipGroup(tokens, found[0], text) - 1;
  const members: Member[] = [];
  const elements: OpamDepends["elements"] = [];
  let member: Member | undefined;
  // after & or |, the next package belongs to the same member (a formula)
  let joining = false;
  for (let i = found[0] + 1; i < end; ) {
    const t = tokens[i];
    const at = () => `at line ${lineOf(text, t.start)}`;
    if (t.kind === "comment") {
      elements.push({ start: t.start, end: t.end, lineComment: t.text.startsWith("#") });
      i++;
    } else if (t.text === "{") {
      if (!member) throw new UnsafeEdit(`${field}: starts with a { constraint ${at()}`);
      i = skipGroup(tokens, i, text);
      member.end = tokens[i - 1].end;
    } else if (t.kind === "op" && (t.text === "&" || t.text === "|")) {
      if (!member) throw new UnsafeEdit(`${field}: starts with "${t.text}" ${at()}`);
      joining = true;
      i++;
    } else if (t.kind === "string" || t.text === "(") {
      const next = t.text === "(" ? skipGroup(tokens, i, text) : i + 1;
      // the package names: strings outside the {...} constraints
      let braces = 0;
      const names = tokens
        .slice(i, next)
        .filter((x) => {
          if (x.text === "{") braces++;
          else if (x.text === "}") braces--;
          else return x.kind === "string" && braces === 0;
          return false;
        })
        .map((x) => x.text.slice(1, -1));
      if (joining && member) {
        member.end = tokens[next - 1].end;
        member.names.push(...names);
      } else {
        member = { start: t.start, end: tokens[next - 1].end, names, lineComment: false };
        members.push(member);
        elements.push(member);
      }
      joining = false;
      i = next;
    } else throw new UnsafeEdit(`${field}: has ${t.text} where a package name was expected, ${at()}`);
  }
  return { open, members, elements };
}

/**
 * The packages of one entry of depends (a package, or a formula of packages with `&`, `|` and
 * parentheses), each with its constraint; those inside an `|` are alternatives, not guaranteed.
 */
function packagesIn(entry: string, text: string): { name: string; formula?: Formula; guaranteed: boolean; text: string }[] {
  const tokens = tokenize(entry).filter((t) => t.kind !== "comment");
  let i = 0;
  const next = () => tokens[i++];
  const peek = () => tokens[i]?.text;
  const refuse = (): never => {
    throw new UnsafeEdit(`depends: has ${text}, which opam does not read`);
  };
  type Found = { name: string; formula?: Formula; guaranteed: boolean; text: string }[];
  /** `item`s separated by `separator` (`&` or `|`) */
  const sequence = <T>(separator: string, item: () => T): T[] => {
    const items = [item()];
    while (peek() === separator) {
      next();
      items.push(item());
    }
    return items;
  };
  const alternatives = (): Found => {
    const branches = sequence("|", () => sequence("&", single).flat());
    return branches.length === 1 ? branches[0] : branches.flat().map((p) => ({ ...p, guaranteed: false }));
  };
  const single = (): Found => {
    const t = next();
    if (t?.text === "(") {
      const inner = alternatives();
      if (next()?.text !== ")") refuse();
      return inner;
    }
    if (t?.kind !== "string") return refuse();
    const name = t.text.slice(1, -1);
    if (peek() !== "{") return [{ name, guaranteed: true, text: `"${name}"` }];
    const open = tokens[i];
    next();
    const formula = peek() === "}" ? undefined : versionFormula();
    const close = next();
    if (close?.text !== "}") refuse();
    return [
      {
        name,
        formula,
        guaranteed: true,
        text: `"${name}" ${entry.slice(open.start, close.end).replace(/\s+/g, " ").replace(/\{ /g, "{").replace(/ \}/g, "}")}`,
      },
    ];
  };
  // within { }: `|` over `&` over `!`, relations to versions, filters
  const versionFormula = (): Formula => {
    const either = sequence("|", () => {
      const all = sequence("&", versionUnary);
      return all.length === 1 ? all[0] : { kind: "and" as const, items: all };
    });
    return either.length === 1 ? either[0] : { kind: "or", items: either };
  };
  const unknown: Formula = { kind: "flag", name: "?" };
  const versionUnary = (): Formula => {
    const t = next();
    if (t?.text === "!") return { kind: "not", item: versionUnary() };
    if (t?.text === "?") {
      versionUnary(); // ?VAR: whether it is defined, not known here
      return unknown;
    }
    if (t?.text === "(") {
      const inner = versionFormula();
      if (next()?.text !== ")") refuse();
      return inner;
    }
    if (t?.kind === "op" && isRelation(t.text)) {
      const value = next();
      if (value?.kind === "string") return { kind: "version", op: t.text, version: value.text.slice(1, -1) };
      if (value?.kind === "word") return unknown; // a variable: `= version`
      return refuse();
    }
    if (t?.kind === "word" || t?.kind === "string") {
      // a filter comparison (os != "win32") is not known here
      if (tokens[i]?.kind === "op" && isRelation(tokens[i].text)) {
        i += 2;
        return unknown;
      }
      return t.kind === "word" ? { kind: "flag", name: t.text } : unknown;
    }
    return refuse();
  };
  const found = alternatives();
  if (i !== tokens.length) refuse();
  return found;
}

const compact = (text: string, m: Member) => text.slice(m.start, m.end).replace(/\s+/g, " ").replace(/\{ /g, "{").replace(/ \}/g, "}");

export interface OpamEdit {
  text: string;
  added: OpamDependency[];
  kept: { name: string; theirs: string; ours: string }[];
}

/**
 * Adds the `deps` the file's depends lacks. `after`: put them right after that
 * many entries (where dune puts them in an .opam it generates) rather than last.
 */
export function addOpamDependencies(text: string, deps: OpamDependency[], after?: number): OpamEdit {
  const depends = readOpamDepends(text);
  const present = (depends?.members ?? []).flatMap((m) => packagesIn(text.slice(m.start, m.end), compact(text, m)));
  const added: OpamDependency[] = [];
  const kept: OpamEdit["kept"] = [];
  for (const d of deps) {
    const theirs = providing(
      present.filter((e) => e.name === d.name),
      d,
      opamDependency(d),
    );
    if (!theirs) added.push(d);
    else if ((d.constraints.length || d.test) && theirs.text !== opamDependency(d))
      kept.push({ name: d.name, theirs: theirs.text, ours: opamDependency(d) });
  }
  // opam refuses a package both in depends and depopts (opam lint's error 31)
  const optional = (readOpamDepends(text, "depopts")?.members ?? []).flatMap((m) => m.names);
  const both = added.filter((d) => optional.includes(d.name)).map((d) => d.name);
  if (both.length)
    throw new UnsafeEdit(
      `${both.join(", ")} is in depopts: [...], as an optional dependency, and opam refuses a package both there and in depends (opam lint's error 31). Move it from depopts to depends`,
    );
  if (added.length === 0) return { text, added, kept };
  const entries = added.map(opamDependency);
  if (!depends) {
    const ending = text === "" || text.endsWith("\n") ? "" : "\n";
    return { text: `${text}${ending}depends: [\n${entries.map((e) => `  ${e}\n`).join("")}]\n`, added, kept };
  }
  const { at, indent } = insertionPoint(text, depends, after);
  const insert = indent === undefined ? entries.map((e) => ` ${e}`).join("") : entries.map((e) => `\n${indent}${e}`).join("");
  return { text: text.slice(0, at) + insert + text.slice(at), added, kept };
}

const lineStart = (text: string, pos: number) => text.lastIndexOf("\n", pos - 1) + 1;

/** Where the new entries go, and their indentation (undefined: on the same line, after a space). */
function insertionPoint(text: string, depends: OpamDepends, after?: number): { at: number; indent?: string } {
  const { elements, open } = depends;
  const anchor = after === undefined ? elements[elements.length - 1] : depends.members[after - 1];
  if (after !== undefined && !anchor) throw new UnsafeEdit(`depends: has fewer than ${after} entries`);
  if (!anchor) return { at: open.end, indent: undefined };
  const opening = lineOf(text, open.start);
  const spread = elements.some((e) => lineOf(text, e.start) !== opening);
  if (!spread && !anchor.lineComment) return { at: anchor.end, indent: undefined };
  const first = elements[0];
  const indent =
    lineOf(text, anchor.start) === opening
      ? " ".repeat(first.start - lineStart(text, first.start))
      : text.slice(lineStart(text, anchor.start), anchor.start).match(/^[ \t]*/)![0];
  // an entry followed by a comment on its line keeps its comment
  const rest = text.slice(anchor.end, text.indexOf("\n", anchor.end) < 0 ? text.length : text.indexOf("\n", anchor.end));
  const trailing = /^\s*(#.*)?$/.test(rest) ? rest.length : 0;
  return { at: anchor.end + trailing, indent };
}
