/**
 * Renders template folders into a destination with handlebars' runtime and
 * the templates' precompiled specs (template-specs.ts). Free text is escaped
 * for its target by the helpers below. File names are mapped by this code,
 * never by handlebars.
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import Handlebars from "handlebars/runtime";
import { ciLegs, floorText, runCommand, type Template } from "../catalog/catalog.js";
import { duneDepends, opamDepends } from "../dune/depends.js";
import { formatDune, isDuneFile } from "../dune/format.js";
import type { Enclosing } from "../dune/workspace.js";
import { DEFAULT_AUTHOR, oneLine, type ProjectNames } from "../names.js";
import { packageVersion, templatesDir } from "../package-files.js";
import { joinText } from "../paths.js";
import { prebuilt } from "../prebuilt.js";
import { shellCommand } from "../shell.js";
import { LOCAL_SWITCH_COMPILER } from "../toolchain/recipe.js";
import { DUNE_LANG, NEWEST_OCAML_MINOR, OCAMLFORMAT_VERSION } from "../versions.js";
import { templateSpec } from "./template-specs.js";

/** A double-quoted string for OCaml source and opam files. */
export const quoted = (s: string) => `"${oneLine(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
/** A double-quoted dune string: as OCaml's, and `%{` (a dune variable) escaped. */
export const duneQuoted = (s: string) => quoted(s).replace(/%\{/g, "\\%{");

const engine = Handlebars.create();
// Helper names must not be data fields: `{{ocaml}}` would call a helper called ocaml.
engine.registerHelper("duneQuote", duneQuoted);
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
/**
 * The record field `command = [ "w1"; "w2" ];` of an approach that is a program, laid out as
 * ocamlformat lays it out 10 columns in (all_approaches.ml.hbs): on one line if that fits in
 * 80 columns, else one word a line, so that the generated project passes `dune build @fmt`.
 */
function commandField(words: string[]): string {
  const literals = words.map((w) => JSON.stringify(w));
  const line = `command = [ ${literals.join("; ")} ];`;
  if (10 + line.length <= 80) return line;
  return ["command =", "  [", ...literals.map((l) => `    ${l};`), "  ];"].join(`\n${" ".repeat(10)}`);
}

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

export interface RenderInput {
  manifest: Template;
  names: ProjectNames;
  /** `Name <email>` for dune-project's authors and maintainers. */
  author: string;
  /** Set when the project goes inside another dune project or workspace (see workspace.ts). */
  enclosing?: Enclosing;
  /** The package each dune stanza names (`add` into a project of several packages). */
  stanzaPackage?: string;
  /** The ocamlformat `.ocamlformat` names: the project's own when `add` joins one that pins another. */
  ocamlformatVersion?: string;
}

/** The command that makes this project again, as its README and AGENTS.md record it (this version of the CLI, no questions). */
function recreateCommand(manifest: Template, names: ProjectNames, author: string): string {
  const words = [names.package, "--template", manifest.name];
  if (manifest.variant) words.push("--variant", manifest.variant.name);
  if (manifest.chosen) words.push("--approaches", manifest.chosen.map((a) => a.name).join(","));
  if (author && author !== DEFAULT_AUTHOR) words.push("--author", author);
  return `npm create ocaml-parallel@${packageVersion()} -- ${shellCommand([...words, "--yes"])}`;
}

/**
 * How to time the starter in the release profile, for a starter that repeats its runs (`-r`,
 * keeping the fastest): `dune exec` told the profile, or a release build before a command
 * that runs the built executable itself (mpirun).
 */
function benchCommands(manifest: Template): string[] {
  if (!("-r" in manifest.run.flags)) return [];
  const command = runCommand(manifest);
  return command.startsWith("dune exec ")
    ? [`opam exec -- ${command.replace(/^dune exec /, "dune exec --profile release ")} -r 5`]
    : ["opam exec -- dune build --profile release", `opam exec -- ${command} -r 5`];
}

/** What the templates see. */
export function templateData({ manifest, names, author, stanzaPackage, ocamlformatVersion }: RenderInput) {
  return {
    ...manifest,
    // strict mode throws on a missing field, so absent lists become empty ones
    dune: { lib: [], bin: [], test: [], preprocess: [], ...manifest.dune },
    ...names,
    author,
    stanzaPackage: stanzaPackage ?? "",
    synopsis: `${manifest.title} starter generated by create-ocaml-parallel`,
    description: manifest.summary,
    duneDepends: duneDepends(manifest),
    opamDepends: opamDepends(manifest, DUNE_LANG),
    runCommand: runCommand(manifest),
    quickRun: [runCommand(manifest), ...manifest.run.testArgs].join(" "),
    bench: benchCommands(manifest),
    recreate: recreateCommand(manifest, names, author),
    localSwitch: `opam switch create . ${LOCAL_SWITCH_COMPILER} --deps-only --with-test --yes`,
    ocamlformatVersion: ocamlformatVersion ?? OCAMLFORMAT_VERSION,
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
      // `command = [ …the words… ];`, for all_approaches.ml.hbs
      command: a.program && commandField(a.program.command),
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

/** The files of a folder of templates/ (a layer), relative to it, as found there (prebuild.ts keeps them). */
export const walkLayer = (layer: string): string[] => [...walk(join(templatesDir, layer))];

/** The files of a layer: as the build recorded them (the package ships no .hbs file), or as found. */
const layerFiles = (layer: string): string[] => prebuilt()?.layers[layer] ?? walkLayer(layer);

/** The layers a manifest is made of, in rendering order: a later layer's file replaces an earlier one's. */
export const layersOf = (m: Template) => ["_shared", ...m.layers, m.name, ...(m.variant?.layers ?? [])];

let rendered = false;
/** Whether this process has rendered a project: bin/compile-cache.cjs keeps V8's code of such a run. */
export const renderedAProject = () => rendered;

/**
 * Writes the project into `destination` (which must exist) and returns the
 * relative paths written, sorted. `.hbs` files are rendered, others copied.
 */
export function renderProject(input: RenderInput, destination: string, place: (output: string) => string | undefined = (o) => o): string[] {
  rendered = true;
  const data = templateData(input);
  // output path → source path under templates/
  const sources = new Map<string, string>();
  for (const layer of layersOf(input.manifest)) {
    for (const file of layerFiles(layer)) sources.set(outputPath(file, input.names), joinText(layer, file));
  }
  // files taken from other templates (the compare template reuses the approaches' own code)
  for (const borrowed of [input.manifest.borrow ?? {}, ...(input.manifest.chosen ?? []).map((a) => a.borrow)])
    for (const [output, source] of Object.entries(borrowed)) sources.set(outputPath(output, input.names), source);
  // `place` maps a file to where it goes, or leaves it out (add.ts: lib/, bin/, test/ into a folder of a project)
  const written: string[] = [];
  const folders = new Set<string>();
  for (const [output, source] of sources) {
    const path = place(output);
    if (path === undefined) continue;
    const target = joinText(destination, path);
    const folder = dirname(target);
    if (!folders.has(folder)) mkdirSync(folder, { recursive: true });
    folders.add(folder);
    if (!source.endsWith(".hbs")) copyFileSync(joinText(templatesDir, source), target);
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
