/**
 * The one recipe that builds, tests and runs a written project with what is installed here:
 * the "Next:" commands after writing and the advice of a --build that cannot go on are both
 * this list, so the two never disagree.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCommand, type Template } from "../catalog/catalog.js";
import { DUNE_LANG, NEWEST_OCAML } from "../versions.js";
import { compareVersions, opamRoot } from "./tools.js";

/** What the recipe depends on: opam and its state, dune when opam is missing, the current switch's OCaml. */
export interface Installed {
  /** unreadable: initialised once, but opam cannot read its config (opamConfig) */
  opam?: "ready" | "uninitialised" | "unreadable";
  opamConfig?: string;
  dune?: string;
  /** The OCaml of opam's current switch, when known. */
  switchOcaml?: string;
}

/**
 * The compiler a new local switch gets: the newest the templates are tested with, named, since
 * opam left to choose picks an older one (5.2.1 for most templates). `ocaml.V`, not a compiler
 * package: opam picks what provides V.
 */
export const LOCAL_SWITCH_COMPILER = `ocaml.${NEWEST_OCAML}`;

export const INSTALL_OPAM = "https://opam.ocaml.org/doc/Install.html";

/**
 * The commands, from the project's folder: with opam, into the current switch when its OCaml
 * is known to meet the template's floor, else into a new local switch (which brings its own
 * compiler and dune), `opam init` first when opam has not been; without opam, a dune recent
 * enough alone; else opam to install first (the first line, a comment). `root`: the project
 * is inside another dune workspace, so dune is told where its root is.
 */
export function recipe(m: Template, tools: Installed, root: boolean): string[] {
  const dune = (command: string) => (root ? command.replace(/^dune (\w+)/, "dune $1 --root .") : command);
  const build = [dune("dune build"), dune("dune test"), dune(runCommand(m))];
  if (!tools.opam && tools.dune && compareVersions(tools.dune, DUNE_LANG) >= 0) return build;
  const current = tools.opam === "ready" && tools.switchOcaml !== undefined && compareVersions(tools.switchOcaml, m.ocaml) >= 0;
  return [
    ...(tools.opam ? [] : [`# install opam first: ${INSTALL_OPAM}`]),
    // opam init alone is not the fix then
    ...(tools.opam === "unreadable"
      ? [`# opam cannot read ${tools.opamConfig}: restore it, or move its folder aside and run opam init`]
      : []),
    ...(tools.opam === "ready" ? [] : ["opam init"]),
    current ? "opam install . --deps-only --with-test" : `opam switch create . ${LOCAL_SWITCH_COMPILER} --deps-only --with-test --yes`,
    ...build.map((c) => `opam exec -- ${c}`),
  ];
}

/** The recipe as one line for a message: `cd DIR && ...`, opam's installation said in words. */
export function recipeLine(lines: string[], cd: string): string {
  const commands = lines.filter((l) => !l.startsWith("#"));
  const first = lines.some((l) => l.startsWith("# install opam")) ? `install opam (${INSTALL_OPAM}), then run: ` : "run: ";
  return `${first}${[cd, ...commands].join(" && ")}`;
}

/**
 * The OCaml of opam's current switch, read from opam's own files (no opam process: this
 * runs for every project written): OPAMSWITCH or the root's config names the switch, a
 * name under the root or a folder with an `_opam`; its state lists the `ocaml` package or its compiler.
 * Undefined when anything is not as expected: the recipe then makes a local switch.
 */
export function currentSwitchOcaml(env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const root = opamRoot(env);
    const name = env.OPAMSWITCH || /^switch: "([^"]+)"/m.exec(readFileSync(join(root, "config"), "utf8"))?.[1];
    if (!name) return undefined;
    const prefix = name.startsWith("/") ? join(name, "_opam") : join(root, name);
    const state = readFileSync(join(prefix, ".opam-switch", "switch-state"), "utf8");
    // the ocaml package, or the compiler itself (a switch made with ocaml-system alone has no ocaml package yet)
    return /"ocaml(?:-base-compiler|-system|-variants)?\.(\d+\.\d+\.\d+)[+"~]/.exec(state)?.[1];
  } catch {
    return undefined;
  }
}
