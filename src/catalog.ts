/**
 * The catalog of approaches: one `templates/<name>/template.json` each, read and
 * validated here. Everything else (list, prompts, generated files, tests) reads it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateError } from "./errors.js";

export const KINDS = ["io-concurrency", "multicore", "distributed"] as const;
export type Kind = (typeof KINDS)[number];

/** An opam dependency: `constraints` like `[">= 1.3", "< 2.0"]`; `test` for `{with-test}`. */
export interface OpamDependency {
  name: string;
  constraints: string[];
  test?: boolean;
}

export interface SystemDependency {
  /** What it is, e.g. "an MPI implementation". */
  what: string;
  /** Debian/Ubuntu package(s), e.g. "mpi-default-dev mpi-default-bin". */
  apt: string;
  /** Homebrew formula, e.g. "open-mpi". */
  brew: string;
}

export interface Manifest {
  name: string;
  title: string;
  summary: string;
  kind: Kind;
  /** The oldest OCaml it builds with, e.g. "5.2". */
  ocaml: string;
  /** Other template folders (starting with `_`) rendered before this one. */
  layers: string[];
  opam: OpamDependency[];
  dune: { lib?: string[]; bin?: string[]; test?: string[]; preprocess?: string[] };
  system: SystemDependency[];
  /**
   * How to run the starter: `command` defaults to `dune exec ./bin/main.exe --`;
   * `testArgs` make a quick run whose output matches the regular expression `expect`.
   */
  run: { command?: string; args: string[]; testArgs: string[]; expect?: string };
  platforms: { ci: string[]; notes: string };
  checkedAgainst: { version: string; files: string[] };
  readme: { about: string; scaling: string; caveats: string[]; links: { title: string; url: string }[] };
}

export const templatesDir = fileURLToPath(new URL("../templates", import.meta.url));

type Check = (value: unknown) => string | undefined;
const str: Check = (v) => (typeof v === "string" && v.trim() !== "" ? undefined : "a non-empty string");
const strList: Check = (v) =>
  Array.isArray(v) && v.every((x) => str(x) === undefined) ? undefined : "a list of non-empty strings";
const optional = (check: Check): Check => (v) => (v === undefined ? undefined : check(v));
const oneOf = (values: readonly string[]): Check => (v) =>
  values.includes(v as string) ? undefined : `one of ${values.join(", ")}`;
const pattern = (re: RegExp, what: string): Check => (v) =>
  typeof v === "string" && re.test(v) ? undefined : what;
const record = (fields: Record<string, Check>): Check => (v) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "an object";
  for (const [key, check] of Object.entries(fields)) {
    const problem = check((v as Record<string, unknown>)[key]);
    if (problem) return `${key}: ${problem}`;
  }
  const unknown = Object.keys(v).find((k) => !(k in fields));
  return unknown ? `${unknown}: not a known field` : undefined;
};
const listOf = (check: Check): Check => (v) => {
  if (!Array.isArray(v)) return "a list";
  for (const [i, x] of v.entries()) {
    const problem = check(x);
    if (problem) return `[${i}] ${problem}`;
  }
  return undefined;
};

const validateManifest = record({
  name: pattern(/^[a-z][a-z0-9-]*$/, "a lower-case name"),
  title: str,
  summary: str,
  kind: oneOf(KINDS),
  ocaml: pattern(/^\d+\.\d+(\.\d+)?$/, 'a version like "5.2"'),
  layers: listOf(pattern(/^_[a-z0-9-]+$/, "a folder name starting with _")),
  opam: listOf(
    record({
      name: pattern(/^[a-z][a-z0-9_+-]*$/, "an opam package name"),
      constraints: listOf(pattern(/^(>=|<=|<|>|=|!=) [0-9][0-9A-Za-z.~+-]*$/, 'a constraint like ">= 1.3"')),
      test: optional((v) => (typeof v === "boolean" ? undefined : "true or false")),
    }),
  ),
  dune: record({ lib: optional(strList), bin: optional(strList), test: optional(strList), preprocess: optional(strList) }),
  system: listOf(record({ what: str, apt: str, brew: str })),
  run: record({ command: optional(str), args: strList, testArgs: strList, expect: optional(str) }),
  platforms: record({ ci: strList, notes: str }),
  checkedAgainst: record({ version: str, files: strList }),
  readme: record({
    about: str,
    scaling: str,
    caveats: strList,
    links: listOf(record({ title: str, url: pattern(/^https:\/\//, "an https URL") })),
  }),
});

/** Parses and checks one manifest; the error names the file and the field. */
export function parseManifest(text: string, file: string, folder: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CreateError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const problem = validateManifest(data);
  if (problem) throw new CreateError(`${file}: ${problem}`);
  const manifest = data as Manifest;
  if (manifest.name !== folder) throw new CreateError(`${file}: name: must be "${folder}", the folder's name`);
  return manifest;
}

let cached: Manifest[] | undefined;

/** Every approach, in the catalog's order (the folders' names, sorted). */
export function loadCatalog(dir = templatesDir): Manifest[] {
  if (dir === templatesDir && cached) return cached;
  const manifests = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("_"))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const file = join(dir, name, "template.json");
      return parseManifest(readFileSync(file, "utf8"), file, name);
    });
  if (dir === templatesDir) cached = manifests;
  return manifests;
}

/** The edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The manifest called `name`; an unknown name is an error that suggests the closest one. */
export function findTemplate(catalog: Manifest[], name: string): Manifest {
  const wanted = name.trim().toLowerCase();
  const found = catalog.find((m) => m.name === wanted);
  if (found) return found;
  const closest = [...catalog].sort((a, b) => distance(wanted, a.name) - distance(wanted, b.name))[0];
  throw new CreateError(
    `unknown template "${name}". Did you mean "${closest.name}"? Templates: ${catalog.map((m) => m.name).join(", ")} (see --list)`,
  );
}

/** The opam packages and dune libraries a template depends on: a project must not be named after one. */
export function dependencyNames(m: Manifest): string[] {
  const { lib = [], bin = [], test = [], preprocess = [] } = m.dune;
  return [...m.opam.map((d) => d.name), ...lib, ...bin, ...test, ...preprocess];
}

export function runCommand(m: Manifest): string {
  return [m.run.command ?? "dune exec ./bin/main.exe --", ...m.run.args].join(" ");
}
