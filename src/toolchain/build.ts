/**
 * Building a written project: install its dependencies with opam (or find them for dune alone),
 * then dune build, dune test and, if asked, the starter; each step timed, its output appended
 * to one log file, an interrupted step stoppable from the command layer.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ResultPromise } from "execa";
import { librariesOf, runCommand, type Template } from "../catalog/catalog.js";
import { atRoot, enclosingDune } from "../dune/workspace.js";
import { CreateError } from "../errors.js";
import { shellCommand } from "../shell.js";
import { DUNE_LANG, NEWEST_OCAML, OCAML_RELEASES, OCAML_RELEASES_DATE } from "../versions.js";
import { type Installed, LOCAL_SWITCH_COMPILER, recipe, recipeLine } from "./recipe.js";
import { compareVersions, detectTools, onPath, opamRoot, run, type Tools } from "./tools.js";

export type SwitchMode = "local" | "current";

export interface StepResult {
  name: string;
  command: string[];
  status: "ok" | "failed";
  seconds: number;
}

export interface BuildReport {
  /** How the project was built: with opam (which switch) or with dune alone. */
  with: "opam-local" | "opam-current" | "dune";
  tools: Tools;
  steps: StepResult[];
  log: string;
  /** What the starter printed, with `run`. */
  output?: string;
}

export interface BuildOptions {
  switchMode?: SwitchMode;
  /** The compiler of a new local switch (see checkSwitchCompiler); the newest tested by default. */
  ocaml?: string;
  run?: boolean;
  /** Called when a step starts, and when it ends (with its result). */
  progress?: (step: string, result?: StepResult) => void;
  /** Called with each piece of a step's output as it comes (the progress shows its last line). */
  output?: (chunk: string) => void;
  /** Called with a short note for the user (e.g. "opam not found: building with dune alone"). */
  note?: (text: string) => void;
}

/** A build step stopped by an interruption: where, which, and the commands it and the steps after it run. */
export interface StoppedStep {
  dir: string;
  step: string;
  log: string;
  left: string[][];
}
/** The step running now, so an interruption can stop it and say what is left (cli/main.ts calls `stopRunningStep`). */
let running: (StoppedStep & { process: ResultPromise }) | undefined;
export function stopRunningStep(signal: NodeJS.Signals): StoppedStep | undefined {
  running?.process.kill(signal);
  return running;
}

const MINUTE = 60_000;

/** An --ocaml VERSION the template can use: a version number, at or above its floor. */
export function checkSwitchCompiler(version: string, manifest: Template) {
  if (!/^\d+\.\d+(\.\d+)?$/.test(version)) throw new CreateError(`--ocaml takes a version such as 5.3.0, not "${version}"`);
  if (!OCAML_RELEASES.includes(version)) {
    const minor = OCAML_RELEASES.filter((r) => r.startsWith(`${version}.`));
    throw new CreateError(
      minor.length
        ? `--ocaml takes a whole release: ${version} has ${minor.join(", ")}`
        : `--ocaml ${version} is not an OCaml release opam knew of on ${OCAML_RELEASES_DATE} (the newest: ${OCAML_RELEASES.at(-1)}); its releases from 4.11 on: ${OCAML_RELEASES.join(", ")}`,
    );
  }
  if (compareVersions(version, manifest.ocaml) < 0)
    throw new CreateError(`--ocaml ${version} is older than ${manifest.ocaml}, which the ${manifest.name} template needs`);
}
/** opam initialised but failing, in its own words: what it said, and which command. */
const opamFails = ({ opamBroken }: Tools) => `opam fails here (\`${opamBroken?.command}\` says: ${opamBroken?.error})`;
/** Why the build goes without opam. */
const withoutOpam = (tools: Tools) => (tools.opamBroken ? opamFails(tools) : tools.opam ? "opam is not initialised" : "opam was not found");

/** What `recipe` needs to know, from what detectTools found. */
const installed = (tools: Tools): Installed => ({
  opam: tools.opam ? (tools.opamReady ? "ready" : tools.opamBroken ? "unreadable" : "uninitialised") : undefined,
  opamConfig: join(opamRoot(), "config"),
  dune: tools.dune,
  switchOcaml: tools.opamSwitch ? tools.ocaml : undefined,
});
/** The recipe of "Next:", from `dir`, for a build that cannot go on. */
const recipeFrom = (tools: Tools, manifest: Template, dir: string) =>
  recipeLine(recipe(manifest, installed(tools), enclosingDune(dir)?.workspace ?? false), shellCommand(["cd", dir]));

/** A build that cannot work here: `reason` in a few words (the prompt shows it), then what to do. */
export class CannotBuild extends CreateError {
  constructor(
    readonly reason: string,
    advice: string,
  ) {
    super(`${reason}. ${advice}`);
  }
}

/**
 * How the project would be built with these tools: with opam (which switch) or
 * with dune alone. A build that cannot work is a CreateError (exit 1) saying
 * why and what to do, raised before anything runs.
 */
export function buildMode(tools: Tools, manifest: Template, dir: string, switchMode?: SwitchMode): BuildReport["with"] {
  const missing = manifest.system.filter((s) => s.command && !onPath(s.command));
  if (missing.length)
    throw new CannotBuild(
      `the ${manifest.name} template needs ${missing.map((s) => s.what).join(" and ")} (${missing.map((s) => s.command).join(", ")} not found)`,
      `Install it: ${
        process.platform === "darwin"
          ? `brew install ${missing.map((s) => s.brew).join(" ")}`
          : `sudo apt-get install ${missing.map((s) => s.apt).join(" ")} (Debian/Ubuntu)`
      }; the project is written.`,
    );
  if (!tools.opam && !tools.dune)
    throw new CannotBuild(
      "neither opam nor dune is installed",
      `The project was written but not built; ${recipeFrom(tools, manifest, dir)}`,
    );
  // opam installed but never initialised can do nothing: dune alone may still build, unless opam was asked for
  if (tools.opam && !tools.opamReady && (switchMode || !tools.dune))
    throw tools.opamBroken
      ? new CannotBuild(
          opamFails(tools),
          `It was initialised, so opam init alone is not the fix: repair its state in ${opamRoot()} (its config file first), or move that folder aside; the project was written but not built; ${recipeFrom(tools, manifest, dir)}`,
        )
      : new CannotBuild(
          "opam is installed but was never initialised",
          `The project was written but not built; ${recipeFrom(tools, manifest, dir)}`,
        );
  const mode: BuildReport["with"] = !tools.opamReady
    ? "dune"
    : (switchMode ?? (tools.opamSwitch ? "current" : "local")) === "local"
      ? "opam-local"
      : "opam-current";
  if (mode === "opam-current" && !tools.opamSwitch)
    throw new CannotBuild(
      "opam has no current switch",
      `Pass --switch local to create one in the project, or create one (opam switch create ${NEWEST_OCAML})`,
    );
  // a local switch brings its own compiler and dune; otherwise those here must be recent enough
  if (mode === "opam-local") return mode;
  const problems = [
    !tools.ocaml && "no OCaml compiler was found (ocamlc)",
    tools.ocaml &&
      compareVersions(tools.ocaml, manifest.ocaml) < 0 &&
      `OCaml ${tools.ocaml} is older than ${manifest.ocaml}, which the ${manifest.name} template needs`,
    mode === "dune" &&
      compareVersions(tools.dune ?? "0", DUNE_LANG) < 0 &&
      `dune ${tools.dune} is older than ${DUNE_LANG}, the dune language of the project's dune-project`,
  ].filter(Boolean);
  if (problems.length)
    throw new CannotBuild(
      problems.join("; "),
      `The project was written but not built; ${tools.opamReady ? "pass --switch local to build in a new switch, or " : ""}${recipeFrom(tools, manifest, dir)}`,
    );
  return mode;
}

const detected = new Map<string, Promise<Tools>>();
/** The tools here, found once per folder for all the prompt's questions. */
export const toolsHere = (cwd: string) => {
  if (!detected.has(cwd)) detected.set(cwd, detectTools(cwd));
  return detected.get(cwd)!;
};

/**
 * The question offering to build after writing, or, when the build could not work
 * here, why not in a few words (the commands printed after writing say what would).
 */
/** Why `manifest` cannot be built here, as the build offer would go (no flags), in a few words; undefined if it can. */
export function whyNotHere(tools: Tools, manifest: Template, cwd: string): string | undefined {
  try {
    buildMode(tools, manifest, cwd);
    return undefined;
  } catch (error) {
    if (error instanceof CannotBuild) return error.reason;
    throw error;
  }
}

export async function buildOffer(manifest: Template, cwd: string): Promise<{ message: string; default: boolean } | { why: string }> {
  const tools = await toolsHere(cwd);
  const why = whyNotHere(tools, manifest, cwd);
  if (why) return { why };
  if (buildMode(tools, manifest, cwd) !== "dune")
    return { message: "Install the dependencies with opam, then build and test?", default: true };
  return { message: `Build and test now? (${withoutOpam(tools)}: with dune ${tools.dune} alone)`, default: false };
}

/** The dune libraries and ppx rewriters of `manifest` that `dune installed-libraries` does not list. */
async function librariesMissing(dir: string, manifest: Template): Promise<string[]> {
  const r = await run("dune", ["installed-libraries", "--root", dir], { cwd: dir, timeout: 60_000 });
  const installed = new Set(
    String(r.stdout)
      .split("\n")
      .map((l) => l.split(/\s/)[0]),
  );
  return [...librariesOf(manifest), ...(manifest.dune.preprocess ?? [])].filter((l) => !installed.has(l));
}

/**
 * Installs the project's dependencies (opam) and runs `dune build`, `dune test`
 * and, with `run`, the starter; each step's output goes to `_build/create-ocaml-parallel.log`.
 * A build that cannot work here (see buildMode) is a CreateError (exit 1); a failing step, exit 2.
 */
export async function buildProject(dir: string, manifest: Template, options: BuildOptions = {}): Promise<BuildReport> {
  const tools = await detectTools(dir);
  const mode = buildMode(tools, manifest, dir, options.switchMode);
  if (options.ocaml !== undefined) checkSwitchCompiler(options.ocaml, manifest);
  if (options.ocaml !== undefined && mode !== "opam-local")
    throw new CreateError(
      `--ocaml ${options.ocaml} names the compiler of a new local switch, and this build would not make one (${mode}): pass --switch local`,
    );
  if (mode === "dune") {
    const why = withoutOpam(tools);
    const missing = await librariesMissing(dir, manifest);
    if (missing.length)
      throw new CreateError(
        `${why}, and dune alone cannot build the project: these libraries are not installed: ${missing.join(", ")}. To build it with opam, ${recipeFrom(tools, manifest, dir)}`,
      );
    options.note?.(`${why}: building with the dune on PATH (${tools.dune}) and the libraries installed already`);
  }
  // inside another dune workspace, dune builds the project alone only when told its root
  const root = enclosingDune(dir)?.workspace ? dir : undefined;
  const exec = (command: string[]) => {
    const rooted = atRoot(command, root);
    return mode === "dune" ? rooted : ["opam", "exec", ...(mode === "opam-local" ? ["--switch", dir] : []), "--", ...rooted];
  };
  const steps: [string, string[], number][] = [];
  if (mode === "opam-local")
    steps.push([
      "install dependencies",
      [
        "opam",
        "switch",
        "create",
        dir,
        options.ocaml ? `ocaml.${options.ocaml}` : LOCAL_SWITCH_COMPILER,
        "--deps-only",
        "--with-test",
        "--yes",
      ],
      60 * MINUTE,
    ]);
  if (mode === "opam-current")
    steps.push(["install dependencies", ["opam", "install", dir, "--deps-only", "--with-test", "--yes"], 60 * MINUTE]);
  steps.push(["dune build", exec(["dune", "build"]), 30 * MINUTE], ["dune test", exec(["dune", "test"]), 30 * MINUTE]);
  if (options.run) steps.push(["run the starter", exec(runCommand(manifest).split(" ")), 10 * MINUTE]);

  const log = join(dir, "_build", "create-ocaml-parallel.log");
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, `create-ocaml-parallel --build of ${manifest.name} in ${dir}\n`);
  const report: BuildReport = { with: mode, tools, steps: [], log };
  for (const [i, [name, command, timeout]] of steps.entries()) {
    options.progress?.(name);
    appendFileSync(log, `\n$ ${shellCommand(command)}\n`);
    const started = Date.now();
    const { execa } = await import("execa");
    const child = execa(command[0], command.slice(1), {
      cwd: dir,
      reject: false,
      stdin: "ignore",
      all: true,
      timeout,
      env: { OPAMCOLOR: "never", OPAMYES: "1" },
    });
    running = { process: child, dir, step: name, log, left: steps.slice(i).map(([, c]) => c) };
    if (options.output) child.all?.on("data", (chunk: Buffer) => options.output?.(String(chunk)));
    const r = await child;
    running = undefined;
    appendFileSync(log, String(r.all ?? ""));
    const result: StepResult = { name, command, status: r.exitCode === 0 ? "ok" : "failed", seconds: (Date.now() - started) / 1000 };
    report.steps.push(result);
    options.progress?.(name, result);
    if (name === "run the starter") report.output = String(r.all ?? "");
    if (result.status === "failed") {
      const why = r.timedOut
        ? `timed out after ${timeout / MINUTE} minutes`
        : r.exitCode === undefined
          ? `could not start (${r.code ?? r.message})`
          : `exit ${r.exitCode}`;
      const tail = String(r.all ?? "")
        .trim()
        .split("\n")
        .slice(-15)
        .join("\n");
      throw new BuildFailure(
        `${name} failed (${why}): ${shellCommand(command)}\n${tail}\nThe project is written; the full log is ${log}`,
        report,
      );
    }
  }
  return report;
}

/** A failed step: exit 2, and the steps so far for --json. */
export class BuildFailure extends CreateError {
  constructor(
    message: string,
    readonly report: BuildReport,
  ) {
    super(message, 2);
  }
}
