/**
 * Every OCaml concurrency, parallelism and distribution system we know of
 * (templates/systems.json): the template that covers it, or why none does and
 * which to use instead. Read only by `--list --all` and when `--template` names
 * something that is not a template, so an ordinary run never loads it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateError } from "../errors.js";
import { templatesDir } from "../package-files.js";
import type { Template } from "./catalog.js";
import { KINDS, type Kind } from "./kinds.js";
import { listOf, oneOf, optional, pattern, record, str } from "./validate.js";

export const STATUSES = ["maintained", "low activity", "dormant", "dead"] as const;

export interface System {
  /** What a user would type after --template. */
  name: string;
  title: string;
  kind: Kind;
  status: (typeof STATUSES)[number];
  latest: string;
  ocaml: string;
  platforms: string;
  url: string;
  /** The template (and variant) that covers it... */
  template?: { name: string; variant?: string };
  /** ...or why there is none, and the templates to use instead. */
  why?: string;
  instead?: string[];
}

export interface Systems {
  /** Where and when the facts were checked. */
  checked: string;
  systems: System[];
}

const file = join(templatesDir, "systems.json");
const templateName = pattern(/^[a-z][a-z0-9-]*$/, "a template name");

// The OCaml versions a system works with: clauses separated by "; ", each one
// of `any`, a bound (`>= 5.1, < 5.3`, or a package's: `picos_mux >= 5.0`),
// `4.x only`, `3.12 era`, optionally followed by a note in parentheses.
const bound = String.raw`(?:[<>]=?|=) \d+(?:\.\d+)*`;
const clause = String.raw`(?:any|(?:[a-z][a-z0-9_-]* )?${bound}(?:, ${bound})*|\d+\.x only|(?:OCaml )?\d+(?:\.\d+)? era)(?: \([^()]+\))?`;
const ocamlBounds = pattern(
  new RegExp(`^${clause}(?:; ${clause})*$`),
  'OCaml bounds: "any", ">= 5.1, < 5.3", "picos_mux >= 5.0", "4.x only" or "3.12 era", each with an optional "(note)", separated by "; "',
);
const validate = record({
  checked: str,
  systems: listOf(
    record({
      name: pattern(/^[a-z][a-z0-9_-]*$/, "a lower-case name"),
      title: str,
      kind: oneOf(KINDS),
      status: oneOf(STATUSES),
      latest: str,
      ocaml: ocamlBounds,
      platforms: str,
      url: pattern(/^https?:\/\//, "a URL"),
      template: optional(record({ name: templateName, variant: optional(templateName) })),
      why: optional(str),
      instead: optional(listOf(templateName)),
    }),
  ),
});

/** Reads and checks systems.json against the catalog: every name it gives must be a template. */
export function loadSystems(catalog: Template[], path = file): Systems {
  const fail = (problem: string): never => {
    throw new CreateError(`${path}: ${problem}`);
  };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    fail(`not readable JSON (${(e as Error).message})`);
  }
  const problem = validate(data);
  if (problem) fail(problem);
  const systems = data as Systems;
  const template = (name: string) => catalog.find((m) => m.name === name);
  const seen = new Set<string>();
  for (const s of systems.systems) {
    if (seen.has(s.name)) fail(`${s.name}: listed twice`);
    seen.add(s.name);
    if (s.template) {
      const m = template(s.template.name) ?? fail(`${s.name}: template: no template "${s.template.name}"`);
      if (s.template.variant && !m.variants?.some((v) => v.name === s.template?.variant))
        fail(`${s.name}: template: ${m.name} has no variant "${s.template.variant}"`);
      if (s.why || s.instead) fail(`${s.name}: has a template, so no why or instead`);
    } else {
      if (!s.why || !s.instead?.length) fail(`${s.name}: without a template it needs why and instead`);
      for (const t of s.instead ?? []) if (!template(t)) fail(`${s.name}: instead: no template "${t}"`);
    }
  }
  // (compare is made of other templates, not a system of its own)
  for (const m of catalog)
    if (!m.approaches && !systems.systems.some((s) => s.template?.name === m.name)) fail(`no system is covered by the ${m.name} template`);
  return systems;
}

/** The system a --template value names, ignoring case, `-` and `_` (rpc_parallel is rpc-parallel). */
export function findSystem(systems: Systems, name: string): System | undefined {
  const key = (s: string) => s.trim().toLowerCase().replace(/[-_]/g, "");
  return systems.systems.find((s) => key(s.name) === key(name));
}

const templateFlags = (t: { name: string; variant?: string }) => `--template ${t.name}${t.variant ? ` --variant ${t.variant}` : ""}`;

/** The `ocaml` field as words: "any OCaml", "OCaml >= 5.1, < 5.3", "picos_mux: OCaml >= 5.0", "OCaml 3.12 era". */
export function ocamlText(bounds: string): string {
  return bounds
    .split("; ")
    .map((c) => {
      if (c.startsWith("any")) return `any OCaml${c.slice("any".length)}`;
      if (c.startsWith("OCaml ")) return c;
      const [, pkg, rest] = /^([a-z][a-z0-9_-]*) (.*)$/.exec(c) ?? [];
      return pkg ? `${pkg}: OCaml ${rest}` : `OCaml ${c}`;
    })
    .join("; ");
}

/** What to do instead of asking for a system that is not a template name. */
export function adviceFor(s: System): string {
  if (s.template) return `${s.title} is covered by ${templateFlags(s.template)}`;
  return `${s.title} has no template: ${s.why} (${s.status}, latest ${s.latest}, ${ocamlText(s.ocaml)}). Use instead: ${s
    .instead!.map((t) => `--template ${t}`)
    .join(", or ")}. See --list --all`;
}

/** `--list --all`: every system by kind, with its facts and its template or the advice. */
export function systemsListing({ checked, systems }: Systems): string {
  const width = Math.max(...systems.map((s) => s.name.length));
  const kinds = [...new Set(systems.map((s) => s.kind))];
  return [
    ...kinds.flatMap((kind) => [
      kind,
      ...systems
        .filter((s) => s.kind === kind)
        .flatMap((s) => [
          // " | " between the facts: they hold "; " themselves
          `  ${s.name.padEnd(width)}  ${s.status.padEnd(12)}  ${[s.latest, ocamlText(s.ocaml), s.platforms].join(" | ")}`,
          `  ${"".padEnd(width)}  ${s.template ? `→ ${templateFlags(s.template)}` : `no template: ${s.why}; use ${s.instead!.join(" or ")}`}`,
        ]),
      "",
    ]),
    `Facts checked against ${checked}.`,
  ].join("\n");
}
