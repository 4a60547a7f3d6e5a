/**
 * The catalog of approaches: one `templates/<name>/template.json` each, read and
 * validated here. Everything else (list, prompts, generated files, tests) reads it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateError } from "../errors.js";
import { templatesDir } from "../package-files.js";
import { prebuilt } from "../prebuilt.js";
import { NEWEST_OCAML_MINOR } from "../versions.js";
import { KINDS, type Kind } from "./kinds.js";
import { adviceFor, findSystem, loadSystems } from "./systems.js";
import { dictOf, listOf, oneOf, optional, pattern, record, str, strList } from "./validate.js";

export { KIND_TEXT, KINDS, type Kind } from "./kinds.js";

/** An opam dependency: `constraints` like `[">= 1.3", "< 2.0"]`; `test` for `{with-test}`. */
export interface OpamDependency {
  name: string;
  constraints: string[];
  test?: boolean;
}

/**
 * A system package opam asks for: the depexts of the opam package `opam` (a conf-*
 * package in the dependencies' solution). The package names are opam's, recorded by
 * scripts/depexts.mjs in templates/depexts.json (test/catalog.test.ts checks they agree).
 */
export interface SystemDependency {
  /** The opam package whose depexts these are, e.g. "conf-mpi". */
  opam: string;
  /** What it is, e.g. "an MPI implementation". */
  what: string;
  /** Debian/Ubuntu package(s), e.g. "mpi-default-dev". */
  apt: string;
  /** Fedora package(s), e.g. "openmpi-devel". */
  dnf: string;
  /** Homebrew formula, e.g. "open-mpi". */
  brew: string;
  /** An executable it provides, checked on PATH before --build, e.g. "mpirun". */
  command?: string;
}

/**
 * How an OCaml floor is known. "proven": that version was solved by opam and built, tested
 * and run here (test/old-compilers.test.ts). Inferred where it cannot be built here (no
 * compiler of that version, or not with the template's libraries): "opam", the oldest version
 * opam solves the dependencies for (test/opam-solve.test.ts checks the one below fails even
 * without the project's own bound); "stdlib", the oldest whose standard library has what the
 * code calls. `note` says which, and what was run (test/old-compilers.test.ts runs it).
 */
export interface Floor {
  proof: "proven" | "opam" | "stdlib";
  note: string;
}

/** What a starter's flag takes: a whole number of at least 1, a positive number of seconds, host names separated by commas, or a TCP port (1 to 65535). */
export const FLAG_KINDS = ["count", "seconds", "hosts", "port"] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

/**
 * How the starter runs on two machines, shown in its README and run by test/two-hosts.test.ts
 * exactly as written, with `node1`, `node2` and the network `192.168.1.0/24` replaced by
 * the test hosts'. `files` are written into the project first; `command` runs on node1.
 */
export interface AcrossHosts {
  files: Record<string, string>;
  command: string;
  /** What the output must match: where the ranks or workers ran. */
  expect: string;
}

/**
 * The starter's batch jobs on a Slurm cluster: its `slurm/` scripts, which its README tells users
 * to submit with `sbatch SCRIPT` from the project's folder, and test/slurm.test.ts submits so on
 * a two-node cluster, with `node1`, `node2` and `192.168.1.0/24` replaced by the test cluster's.
 * `expect`: what each output file must match, one per task of a job array, in task order.
 */
export interface OnSlurm {
  jobs: { script: string; expect: string[] }[];
}

/** A template's manifest as written: templates/NAME/template.json, checked by parseManifest. */
export interface Manifest {
  name: string;
  title: string;
  summary: string;
  kind: Kind;
  /** The oldest OCaml it builds with, e.g. "5.2": the floor printed everywhere. */
  ocaml: string;
  floor: Floor;
  /** Other template folders (starting with `_`) rendered before this one. */
  layers: string[];
  opam: OpamDependency[];
  dune: { lib?: string[]; bin?: string[]; test?: string[]; preprocess?: string[] };
  system: SystemDependency[];
  /**
   * How to run the starter: `command` defaults to `dune exec ./bin/main.exe --`;
   * `testArgs` make a quick run whose output matches the regular expression `expect`;
   * `flags` are the starter's flags and what each takes (a bad value must exit 2);
   * `testExpect` matches what `dune test` prints.
   * `serve`: the starter's server mode (`FLAG PORT`: listens on 127.0.0.1:PORT until SIGINT or
   * SIGTERM), which test/servers.test.ts attacks with misbehaving clients.
   */
  run: {
    command?: string;
    args: string[];
    testArgs: string[];
    expect?: string;
    flags: Record<string, FlagKind>;
    testExpect: string;
    acrossHosts?: AcrossHosts;
    onSlurm?: OnSlurm;
    serve?: { flag: string };
  };
  platforms: { ci: string[]; notes: string };
  checkedAgainst: { version: string; files: string[] };
  /**
   * `tests`: what `dune test` checks, in a sentence the generated README prints; `slurm`: how to
   * run it on a Slurm cluster (with `run.onSlurm`).
   */
  readme: { about: string; scaling: string; slurm?: string; caveats: string[]; links: { title: string; url: string }[]; tests: string };
  /** Flavours of the approach (the first is the default); each replaces the fields it gives. */
  variants?: VariantSpec[];
  /** Files taken from other templates: output path → path under templates/. */
  borrow?: Record<string, string>;
  /** Parts the user picks several of (the compare template's approaches). */
  approaches?: ApproachSpec[];
}

/**
 * A template resolved for one variant and one choice of approaches (findTemplate):
 * what is rendered, built and added. A manifest without either is one too.
 */
export interface Template extends Manifest {
  /** The variant chosen: its name and extra layers (its fields are merged in). */
  variant?: { name: string; layers: string[] };
  /** The approaches chosen (the compare template). */
  chosen?: ApproachSpec[];
}

/** One approach of a template that combines several, as its own dune library. */
export interface ApproachSpec {
  name: string;
  summary: string;
  /** Chosen when the user does not choose. */
  default: boolean;
  opam: OpamDependency[];
  /** The dune libraries the approach's library (or program) needs. */
  libraries: string[];
  borrow: Record<string, string>;
  /**
   * C files (names without `.c`, each borrowed under `approaches/`) compiled into the approach's
   * library by dune's `foreign_stubs`: ctypes' kernel, which the library binds.
   */
  cStubs?: string[];
  system?: SystemDependency[];
  /** Its own OCaml floor, where it is above the template's (a resolved template takes the highest). */
  ocaml?: string;
  floor?: Floor;
  /**
   * An approach that is a program of its own (mpirun's ranks, Rpc_parallel's master), not a
   * library: the bench runs `command` (EXE: the built `executable`, WORKERS: the count)
   * with `-n N -r R -csv` and reads the time it measured itself.
   */
  program?: { executable: string; command: string[] };
}

export type VariantSpec = Partial<Pick<Manifest, "ocaml" | "floor" | "opam" | "dune" | "checkedAgainst" | "readme">> & {
  name: string;
  summary: string;
  /** Template folders rendered after the approach's own. */
  layers?: string[];
};

const ocamlVersion = pattern(/^\d+\.\d+(\.\d+)?$/, 'a version like "5.2"');
const layerList = listOf(pattern(/^_[a-z0-9-]+$/, "a folder name starting with _"));
const opamList = listOf(
  record({
    name: pattern(/^[a-z][a-z0-9_+-]*$/, "an opam package name"),
    constraints: listOf(pattern(/^(>=|<=|<|>|=|!=) [0-9a-z][0-9A-Za-z.~+-]*$/, 'a constraint like ">= 1.3"')),
    test: optional((v) => (typeof v === "boolean" ? undefined : "true or false")),
  }),
);
const duneLibraries = record({ lib: optional(strList), bin: optional(strList), test: optional(strList), preprocess: optional(strList) });
const checked = record({ version: str, files: strList });
const readmeText = record({
  about: str,
  scaling: str,
  slurm: optional(str),
  caveats: strList,
  links: listOf(record({ title: str, url: pattern(/^https:\/\//, "an https URL") })),
  tests: str,
});

const systemList = listOf(
  record({ opam: pattern(/^conf-[a-z0-9-]+$/, "an opam conf- package"), what: str, apt: str, dnf: str, brew: str, command: optional(str) }),
);
const floorSpec = record({ proof: oneOf(["proven", "opam", "stdlib"] as const), note: str });

const validateManifest = record({
  name: pattern(/^[a-z][a-z0-9-]*$/, "a lower-case name"),
  title: str,
  summary: str,
  kind: oneOf(KINDS),
  ocaml: ocamlVersion,
  floor: floorSpec,
  layers: layerList,
  opam: opamList,
  dune: duneLibraries,
  system: systemList,
  run: record({
    command: optional(str),
    args: strList,
    testArgs: strList,
    expect: optional(str),
    flags: dictOf(oneOf(FLAG_KINDS)),
    testExpect: str,
    acrossHosts: optional(record({ files: dictOf(str), command: str, expect: str })),
    onSlurm: optional(record({ jobs: listOf(record({ script: str, expect: strList })) })),
    serve: optional(record({ flag: str })),
  }),
  platforms: record({ ci: strList, notes: str }),
  checkedAgainst: checked,
  readme: readmeText,
  borrow: optional(dictOf(str)),
  approaches: optional(
    listOf(
      record({
        name: pattern(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "a lower-case name (letters, digits, single dashes)"),
        summary: str,
        default: (v) => (typeof v === "boolean" ? undefined : "true or false"),
        opam: opamList,
        libraries: strList,
        borrow: dictOf(str),
        cStubs: optional(listOf(pattern(/^[a-z_][a-z0-9_]*$/, "a C file's name without .c"))),
        system: optional(systemList),
        program: optional(record({ executable: str, command: strList })),
        ocaml: optional(ocamlVersion),
        floor: optional(floorSpec),
      }),
    ),
  ),
  variants: optional(
    listOf(
      record({
        name: pattern(/^[a-z][a-z0-9-]*$/, "a lower-case name"),
        summary: str,
        layers: optional(layerList),
        ocaml: optional(ocamlVersion),
        floor: optional(floorSpec),
        opam: optional(opamList),
        dune: optional(duneLibraries),
        checkedAgainst: optional(checked),
        readme: optional(readmeText),
      }),
    ),
  ),
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
  const halfFloor = manifest.approaches?.find((a) => (a.ocaml === undefined) !== (a.floor === undefined));
  if (halfFloor) throw new CreateError(`${file}: approaches: ${halfFloor.name}: ocaml and floor go together`);
  for (const a of manifest.approaches ?? []) {
    const unborrowed = a.cStubs?.find((c) => !(`approaches/${c}.c` in a.borrow));
    if (unborrowed)
      throw new CreateError(`${file}: approaches: ${a.name}: cStubs: ${unborrowed}: approaches/${unborrowed}.c is not borrowed`);
  }
  return manifest;
}

let cached: Manifest[] | undefined;

/** The templates' names, in the catalog's order, without validating their manifests (for --help). */
export const templateNames = (dir = templatesDir): string[] =>
  (dir === templatesDir ? prebuilt()?.manifests.map((m) => m.name) : undefined) ??
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("_"))
    .map((e) => e.name)
    .sort();

/** Every approach, in the catalog's order (the folders' names, sorted); the bundle's are validated at build time. */
export function loadCatalog(dir = templatesDir): Manifest[] {
  if (dir !== templatesDir) return readCatalog(dir);
  cached ??= prebuilt()?.manifests ?? readCatalog(dir);
  return cached;
}

/** Every manifest under `dir`, read and validated (prebuild.ts keeps the result). */
export function readCatalog(dir: string): Manifest[] {
  return templateNames(dir).map((name) => {
    const file = join(dir, name, "template.json");
    return parseManifest(readFileSync(file, "utf8"), file, name);
  });
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

const closestOf = <T extends { id: string }>(ids: T[], wanted: string): T =>
  [...ids].sort((a, b) => distance(wanted, a.id) - distance(wanted, b.id))[0];

/** The template whose name is nearest to `name` (the prompt selects it when a typed name is unknown). */
export const closestTemplate = (catalog: Manifest[], name: string): string =>
  closestOf(
    catalog.map((m) => ({ id: m.name })),
    name.trim().toLowerCase(),
  ).id;

/**
 * The manifest called `name`, resolved for `variant` (default: its first) when it
 * has variants. An unknown name is an error that suggests the closest one.
 */
export function findTemplate(catalog: Manifest[], name: string, variant?: string, approaches?: string[]): Template {
  const wanted = name.trim().toLowerCase();
  const found = catalog.find((m) => m.name === wanted);
  if (!found) {
    // a system we know without a template of its name gets its own advice, never "unknown"
    const system = findSystem(loadSystems(catalog), wanted);
    if (system) throw new CreateError(adviceFor(system));
    // a variant's id (domains-domainslib, as examples/ and CI name it) is a template and its --variant
    const ids = catalog.flatMap((m) => [
      { id: m.name, flags: `"${m.name}"` },
      ...(m.variants ?? []).map((v) => ({
        id: `${m.name}-${v.name}`,
        flags: `--template ${m.name} --variant ${v.name}`,
        of: `the ${m.name} template's ${v.name} variant`,
      })),
    ]);
    const variant = ids.find((t) => t.id === wanted && "of" in t);
    if (variant && "of" in variant) throw new CreateError(`"${name}" is ${variant.of}: pass ${variant.flags}`);
    const closest = closestOf(ids, wanted);
    throw new CreateError(
      `unknown template "${name}". Did you mean ${closest.flags}? Templates: ${catalog.map((m) => m.name).join(", ")} (see --list)`,
    );
  }
  if (!found.variants && variant !== undefined) throw new CreateError(`the ${found.name} template has no variants; leave out --variant`);
  if (found.approaches) return withApproaches(found, approaches, catalog);
  if (approaches !== undefined) throw new CreateError(`the ${found.name} template has no approaches to choose; leave out --approaches`);
  if (!found.variants) return found;
  const spec = variant === undefined ? found.variants[0] : found.variants.find((v) => v.name === variant.trim().toLowerCase());
  if (!spec)
    throw new CreateError(
      `the ${found.name} template has no variant "${variant}"; its variants: ${found.variants.map((v) => v.name).join(", ")}`,
    );
  const { name: variantName, summary, layers = [], ...overrides } = spec;
  return {
    ...found,
    ...overrides,
    title: `${found.title} (${variantName})`,
    summary: `${found.summary} (${summary})`,
    variants: undefined,
    variant: { name: variantName, layers },
  };
}

/** A template of several approaches, resolved for the chosen ones (default: its default ones). */
function withApproaches(m: Template, names: string[] | undefined, catalog: Manifest[]): Template {
  const all = m.approaches ?? [];
  const valid = all.map((a) => a.name).join(", ");
  const given = names?.map((n) => n.trim().toLowerCase()).filter((n) => n !== "");
  // `all`, alone: every approach
  const wanted = given?.length === 1 && given[0] === "all" ? all.map((a) => a.name) : given;
  const unknown = wanted?.find((n) => !all.some((a) => a.name === n));
  if (unknown && /[;\s]/.test(unknown))
    throw new CreateError(
      `--approaches takes names separated by commas, not "${unknown}": e.g. --approaches ${all
        .slice(0, 2)
        .map((a) => a.name)
        .join(",")} (or all)`,
    );
  if (unknown && catalog.some((t) => t.name === unknown))
    throw new CreateError(
      `${unknown} cannot be one of the ${m.name} template's approaches: it does not run the shared CPU workload; generate --template ${unknown} to try it. The ${m.name} approaches: ${valid}`,
    );
  if (unknown) throw new CreateError(`the ${m.name} template has no approach "${unknown}"; its approaches: ${valid} (or all)`);
  // a name given twice counts once
  if (wanted && new Set(wanted).size < 2) {
    const only = wanted.length > 1 ? ` (${wanted[0]} is the only one given, ${wanted.length} times)` : "";
    throw new CreateError(`--approaches: choose at least two different approaches to compare${only}, among ${valid} (or all)`);
  }
  // in the catalog's order, each once
  const chosen = all.filter((a) => (wanted ? wanted.includes(a.name) : a.default));
  const opam = [...m.opam];
  for (const d of chosen.flatMap((a) => a.opam)) if (!opam.some((o) => o.name === d.name)) opam.push(d);
  const system = [...m.system];
  for (const s of chosen.flatMap((a) => a.system ?? [])) if (!system.some((x) => x.opam === s.opam)) system.push(s);
  // the floor is the highest of the template's own and the chosen approaches'
  let { ocaml, floor } = m;
  for (const a of chosen) if (a.ocaml && a.floor && newerMinor(a.ocaml, ocaml)) [ocaml, floor] = [a.ocaml, a.floor];
  return { ...m, ocaml, floor, opam, system, approaches: undefined, chosen };
}

/** Every dune library a resolved template uses, its approaches' included. */
export const librariesOf = (m: Template): string[] => [
  ...new Set([...Object.values(m.dune).flat(), ...(m.chosen ?? []).flatMap((a) => a.libraries)]),
];

/** Every template and variant, resolved: what the tests and the examples go through. */
export function allTemplates(catalog = loadCatalog()): Template[] {
  return catalog.flatMap((m) => (m.variants ?? [undefined]).map((v) => findTemplate(catalog, m.name, v?.name)));
}

/** A resolved template's name for folders and messages: `domains`, `domains-domainslib` (default variants go unnamed). */
export function templateId(m: Template): string {
  const base = loadCatalog().find((b) => b.name === m.name);
  return m.variant && base?.variants?.[0].name !== m.variant.name ? `${m.name}-${m.variant.name}` : m.name;
}

/**
 * The opam packages and dune libraries of every template and variant: a project
 * named after one would clash with it in opam or in dune, whichever template it uses.
 */
export const dependencyNames = (): string[] => prebuilt()?.dependencyNames ?? deriveDependencyNames(loadCatalog());

/** dependencyNames, from the manifests (prebuild.ts keeps the result). */
export function deriveDependencyNames(catalog: Manifest[]): string[] {
  const approaches = catalog.flatMap((m) => m.approaches ?? []);
  const names = [
    ...allTemplates(catalog).flatMap((m) => [...m.opam.map((d) => d.name), ...librariesOf(m)]),
    ...approaches.flatMap((a) => [...a.opam.map((d) => d.name), ...a.libraries]),
  ];
  return [...new Set(names)];
}

export function runCommand(m: Template): string {
  return [m.run.command ?? "dune exec ./bin/main.exe --", ...m.run.args].join(" ");
}

/** opam-repository marks compilers below 4.12 unavailable on Apple silicon (GitHub's macos-latest). */
const MACOS_ARM64_OCAML = "4.12";

const minorOf = (v: string) => v.split(".").slice(0, 2).map(Number);
/** Whether version `a`'s minor is above `b`'s ("5.2" above "5.1.1"). */
export function newerMinor(a: string, b: string): boolean {
  const [x, y] = [minorOf(a), minorOf(b)];
  return x[0] !== y[0] ? x[0] > y[0] : x[1] > y[1];
}

/** "proven: …" or "inferred: …", for the README and --list --json readers. */
export const floorText = (f: Floor) => `${f.proof === "proven" ? "proven" : "inferred"}: ${f.note}`;

/**
 * The generated CI's jobs: on every OS the manifest lists, the floor and the newest OCaml
 * (as setup-ocaml takes them, "4.11", "5.4"), the floor only where opam has that compiler.
 */
export function ciLegs(m: Template): { os: string; ocaml: string }[] {
  return m.platforms.ci.flatMap((os) => [
    ...(m.ocaml !== NEWEST_OCAML_MINOR && !(os.startsWith("macos") && newerMinor(MACOS_ARM64_OCAML, m.ocaml))
      ? [{ os, ocaml: m.ocaml }]
      : []),
    { os, ocaml: NEWEST_OCAML_MINOR },
  ]);
}
