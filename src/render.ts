/**
 * Renders template folders into a destination with handlebars' runtime and
 * the templates' precompiled specs (template-specs.ts). Free text is escaped
 * for its target by the helpers below. File names are mapped by this code,
 * never by handlebars.
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import Handlebars from "handlebars/runtime";
import { ciLegs, floorText, type Manifest, NEWEST_OCAML_MINOR, type OpamDependency, runCommand, templatesDir } from "./catalog.js";
import { formatDune, isDuneFile } from "./dune-format.js";
import { oneLine, type ProjectNames } from "./names.js";
import { templateSpec } from "./template-specs.js";
import type { Enclosing } from "./workspace.js";

/** A double-quoted string for OCaml source and opam files. */
export const quoted = (s: string) => `"${oneLine(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
/** A double-quoted dune string: as OCaml's, and `%{` (a dune variable) escaped. */
export const duneQuoted = (s: string) => quoted(s).replace(/%\{/g, "\\%{");
/** Markdown text with its punctuation escaped, so a name renders as itself. */
export const markdown = (s: string) => oneLine(s).replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, "\\$&");
/** A YAML double-quoted scalar (JSON strings are YAML). */
export const yaml = (s: string) => JSON.stringify(oneLine(s));

const engine = Handlebars.create();
// Helper names must not be data fields: `{{ocaml}}` would call a helper called ocaml.
engine.registerHelper("quote", quoted);
engine.registerHelper("duneQuote", duneQuoted);
engine.registerHelper("md", markdown);
engine.registerHelper("yaml", yaml);
engine.registerHelper("join", (list: string[]) => list.join(" "));
engine.registerHelper("opamField", (name: string, value: string) => opamField(name, quoted(value)));
engine.registerHelper("opamList", (name: string, value: string) => opamField(name, `[${quoted(value)}]`));

engine.registerHelper("article", (title: string) => article(title));

// Letters whose name starts with a vowel sound: "an MPI", "an SSH", but "a URL".
const VOWEL_LETTER = /^[aefhilmnorsx]/i;
/**
 * "A" or "An" before `title`, by how it sounds: a word spelled out letter by letter
 * (all capitals like MPI, or no vowel to say, like Rpc) by its first letter's name;
 * any other by its first letter, "u" and "eu" sounding "you" ("a Unix", "a Euler").
 */
export function article(title: string): "A" | "An" {
  const word = /^[A-Za-z]+/.exec(title)?.[0] ?? "";
  const spelled = (word.length > 1 && word === word.toUpperCase()) || !/[aeiouy]/i.test(word);
  if (spelled) return VOWEL_LETTER.test(word) ? "An" : "A";
  return /^([aio]|e(?!u)|u(?!ni|s[eu]|ti|r[aeiou]))/i.test(word) ? "An" : "A";
}

// dune prints the .opam with OCaml's Format at margin 78: a field longer than
// 77 bytes moves its value to the next line (a list, inside the brackets).
function opamField(name: string, value: string): string {
  if (Buffer.byteLength(`${name}: ${value}`) <= 77) return `${name}: ${value}`;
  return value.startsWith("[") ? `${name}: [\n  ${value.slice(1, -1)}\n]` : `${name}:\n  ${value}`;
}

const all = (m: Manifest): OpamDependency[] => [
  { name: "ocaml", constraints: [`>= ${m.ocaml}`] },
  { name: "dune", constraints: [] },
  ...m.opam,
];

/** The `(depends ...)` body of dune-project, in `dune fmt`'s layout. */
export function duneDepends(m: Manifest): string {
  return all(m)
    .map(({ name, constraints, test }) => {
      const terms = [...(test ? [":with-test"] : []), ...constraints.map((c) => `(${c})`)];
      if (terms.length === 0) return `  ${name}`;
      if (terms.length === 1) return terms[0].startsWith(":") ? `  (${name} ${terms[0]})` : `  (${name}\n   ${terms[0]})`;
      return `  (${name}\n   (and\n    ${terms.join("\n    ")}))`;
    })
    .join("\n");
}

/** The `depends: [...]` body dune writes into the .opam from the same dependencies. */
export function opamDepends(m: Manifest, duneLang: string): string {
  return all(m)
    .map(({ name, constraints, test }) => {
      const terms = [...(test ? ["with-test"] : []), ...constraints.map((c) => c.replace(/ (.*)$/, ' "$1"'))];
      if (name === "dune") terms.push(`>= "${duneLang}"`);
      return terms.length ? `  "${name}" {${terms.join(" & ")}}` : `  "${name}"`;
    })
    .join("\n");
}

export const DUNE_LANG = "3.11";
/**
 * The ocamlformat the generated code is formatted with, pinned in its `.ocamlformat`
 * (test/format.test.ts checks it is the toolchain's).
 */
export const OCAMLFORMAT_VERSION = "0.29.0";

export interface RenderInput {
  manifest: Manifest;
  names: ProjectNames;
  /** `Name <email>` for dune-project's authors and maintainers. */
  author: string;
  /** Set when the project goes inside another dune project or workspace (see workspace.ts). */
  enclosing?: Enclosing;
}

/** What the templates see. */
export function templateData({ manifest, names, author }: RenderInput) {
  return {
    ...manifest,
    // strict mode throws on a missing field, so absent lists become empty ones
    dune: { lib: [], bin: [], test: [], preprocess: [], ...manifest.dune },
    ...names,
    author,
    synopsis: `${manifest.title} starter generated by create-ocaml-parallel`,
    description: manifest.summary,
    duneDepends: duneDepends(manifest),
    opamDepends: opamDepends(manifest, DUNE_LANG),
    runCommand: runCommand(manifest),
    ocamlformatVersion: OCAMLFORMAT_VERSION,
    // the CI's jobs (the floor and the newest OCaml on each OS) and the system packages for each package manager
    ciLegs: ciLegs(manifest),
    newestOcaml: NEWEST_OCAML_MINOR,
    systemPackages: Object.fromEntries((["apt", "dnf", "brew"] as const).map((pm) => [pm, manifest.system.map((s) => s[pm]).join(" ")])),
    duneLang: DUNE_LANG,
    floorNote: floorText(manifest.floor),
    // the compare template's approaches: each a dune library whose main module is NAME_approach,
    // or a program of its own (its dune file is borrowed), which the bench runs
    chosen: (manifest.chosen ?? []).map((a) => ({
      ...a,
      library: `${a.name}_approach`,
      dependencies: [names.library, ...a.libraries],
      module: `${a.name[0].toUpperCase()}${a.name.slice(1)}_approach`,
      modules: Object.keys(a.borrow)
        .filter((f) => f.endsWith(".ml"))
        .map((f) => f.replace(/^.*\/|\.ml$/g, ""))
        .sort(),
      // an OCaml list of string literals
      command: a.program?.command.map((word) => JSON.stringify(word)).join("; "),
    })),
    approachLibraries: (manifest.chosen ?? []).filter((a) => !a.program).map((a) => `${a.name}_approach`),
    programExecutables: (manifest.chosen ?? []).flatMap((a) => (a.program ? [a.program.executable] : [])),
    // what dune derives from dune-project's (source (github username/NAME))
    homepage: `https://github.com/username/${names.package}`,
    bugReports: `https://github.com/username/${names.package}/issues`,
    devRepo: `git+https://github.com/username/${names.package}.git`,
  };
}

/** A template's path → the generated file's path. */
export function outputPath(templatePath: string, names: ProjectNames): string {
  return templatePath
    .replace(/\.hbs$/, "")
    .replace(/(^|\/)_gitignore$/, "$1.gitignore")
    .replace(/__package__/g, names.package)
    .replace(/__library__/g, names.library);
}

function* walk(dir: string, base = dir): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path, base);
    else if (entry.name !== "template.json") yield relative(base, path);
  }
}

/** The layers a manifest is made of, in rendering order: a later layer's file replaces an earlier one's. */
export const layersOf = (m: Manifest) => ["_shared", ...m.layers, m.name, ...(m.variant?.layers ?? [])];

/**
 * Writes the project into `destination` (which must exist) and returns the
 * relative paths written, sorted. `.hbs` files are rendered, others copied.
 */
export function renderProject(input: RenderInput, destination: string, place: (output: string) => string | undefined = (o) => o): string[] {
  const data = templateData(input);
  // output path → source path under templates/
  const sources = new Map<string, string>();
  for (const layer of layersOf(input.manifest)) {
    for (const file of walk(join(templatesDir, layer))) sources.set(outputPath(file, input.names), join(layer, file));
  }
  // files taken from other templates (the compare template reuses the approaches' own code)
  for (const borrowed of [input.manifest.borrow ?? {}, ...(input.manifest.chosen ?? []).map((a) => a.borrow)])
    for (const [output, source] of Object.entries(borrowed)) sources.set(outputPath(output, input.names), source);
  // `place` maps a file to where it goes, or leaves it out (add.ts: lib/, bin/, test/ into a folder of a project)
  const written: string[] = [];
  for (const [output, source] of sources) {
    const path = place(output);
    if (path === undefined) continue;
    const target = join(destination, path);
    mkdirSync(dirname(target), { recursive: true });
    if (!source.endsWith(".hbs")) copyFileSync(join(templatesDir, source), target);
    else {
      const text = engine.template(templateSpec(source))(data);
      // laid out as dune lays it out, for any name length: `dune build @fmt` passes
      writeFileSync(target, isDuneFile(output) ? formatDune(text) : text);
    }
    written.push(path);
  }
  if (!input.enclosing) return written.sort();
  // a dune-workspace file makes dune take the project as a root, not as part of the project around it
  writeFileSync(join(destination, "dune-workspace"), formatDune(`(lang dune ${DUNE_LANG})`));
  return [...written, "dune-workspace"].sort();
}
