/**
 * Finding the tools a project is built with (opam, dune, ocaml) and their versions. Every tool
 * runs through execa with argument arrays (never a shell string) and a timeout; execa is loaded
 * on first use so a run that spawns nothing does not pay for it.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import type { Options } from "execa";
import { joinText } from "../paths.js";

export async function run(file: string, args: string[], options: Options = {}) {
  const { execa } = await import("execa");
  return execa(file, args, { reject: false, stdin: "ignore", ...options });
}

/** Where the executable called `command` is on PATH, or undefined. */
function pathOf(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const file = joinText(dir, command);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Whether an executable called `command` is on PATH. */
export const onPath = (command: string) => pathOf(command) !== undefined;

/** The first line a tool prints for `args`, or undefined when it is not installed or fails. */
async function versionOf(file: string, args: string[], cwd?: string): Promise<string | undefined> {
  const r = await run(file, args, { cwd, timeout: 60_000 });
  return r.exitCode === 0 ? String(r.stdout).trim().split("\n")[0] : undefined;
}

export interface Tools {
  opam?: string;
  /** Whether opam works: initialised (`opam init`) and answering. */
  opamReady?: boolean;
  /** opam was initialised but fails: its own error and the command that failed (not ready either). */
  opamBroken?: { error: string; command: string };
  dune?: string;
  /** The OCaml that builds the project: the current switch's, or the one on PATH. */
  ocaml?: string;
  /** Whether opam has a current switch to install into. */
  opamSwitch?: string;
}

export async function detectTools(cwd: string): Promise<Tools> {
  const [opam, dune] = await Promise.all([versionOf("opam", ["--version"]), versionOf("dune", ["--version"])]);
  const state = opam === undefined ? undefined : await opamState(cwd);
  const opamReady = state === "ready";
  const opamBroken = typeof state === "object" ? state : undefined;
  const opamSwitch = opamReady ? await versionOf("opam", ["switch", "show"], cwd) : undefined;
  const ocaml = opamSwitch ? await versionOf("opam", ["exec", "--", "ocamlc", "-vnum"], cwd) : await versionOf("ocamlc", ["-vnum"]);
  return { opam, opamReady, ...(opamBroken ? { opamBroken } : {}), dune, ocaml, opamSwitch };
}

/** Where opam keeps its state: OPAMROOT, else ~/.opam. */
export const opamRoot = (env: NodeJS.ProcessEnv = process.env) => env.OPAMROOT || join(homedir(), ".opam");

/**
 * Whether opam works, asking it for its root: never initialised ("Opam has not been initialised,
 * please run `opam init'", exit 50, to everything but --version), or initialised and failing (a
 * damaged config: "Fatal error: Stdlib.Parsing.Parse_error", exit 99), with its own error.
 */
export async function opamState(cwd: string): Promise<"ready" | "uninitialised" | { error: string; command: string }> {
  const r = await run("opam", ["var", "root"], { cwd, timeout: 60_000, env: { OPAMCOLOR: "never" } });
  if (r.exitCode === 0) return "ready";
  const said = `${r.stderr}\n${r.stdout}`;
  if (/has not been initiali[sz]ed/i.test(said)) return "uninitialised";
  // opam's own lines, without its warning about running as root, and "Fatal error:" joined to what follows
  const lines = said
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^\[WARNING\] Running as root/.test(l));
  const error = lines.join(" ").replace(/^Fatal error: /, "") || (r.timedOut ? "timed out" : `exit ${r.exitCode ?? r.code}`);
  return { error: error.length > 300 ? `${error.slice(0, 300)}…` : error, command: "opam var root" };
}

/**
 * What is installed, for the commands printed after writing, without the cost
 * of detectTools: opam and its root's config file (what `opam init` writes),
 * and dune's version only when opam is missing.
 */
export async function installedTools(): Promise<{ opam?: "ready" | "uninitialised" | "unreadable"; dune?: string; opamConfig?: string }> {
  if (onPath("opam")) {
    const opamConfig = join(opamRoot(), "config");
    if (!existsSync(opamConfig)) return { opam: "uninitialised" };
    // every config opam writes starts with its format version: one that does not, opam cannot read either
    let text = "";
    try {
      text = readFileSync(opamConfig, "utf8");
    } catch {
      // unreadable to us: to opam too
    }
    return /^opam-version:\s*"\d/m.test(text) ? { opam: "ready" } : { opam: "unreadable", opamConfig };
  }
  const dune = pathOf("dune");
  return dune ? { dune: await duneVersion(dune) } : {};
}

/**
 * dune's version, remembered for that binary (its path, inode, size and modification time, as
 * cargo remembers rustc's): starting dune takes longer than writing a whole project, and the
 * answer changes only when dune does. Without a cache it can write, dune is asked every time.
 */
async function duneVersion(dune: string): Promise<string | undefined> {
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "create-ocaml-parallel", "dune-version.json");
  let binary = "";
  try {
    const s = statSync(dune);
    binary = `${dune} ${s.ino} ${s.size} ${s.mtimeMs}`;
    const known = JSON.parse(readFileSync(cache, "utf8")) as { binary?: string; version?: string };
    if (known.binary === binary && typeof known.version === "string") return known.version;
  } catch {
    // no cache yet (or dune vanished): ask dune
  }
  // loaded here: most runs never need it. Asynchronous, so that the caller can write the
  // project while dune answers (on another core: the run takes the longer of the two, not both)
  const { execFile } = await import("node:child_process");
  const version = await new Promise<string | undefined>((resolve) =>
    execFile(dune, ["--version"], { encoding: "utf8", timeout: 10_000 }, (error, stdout) => resolve(error ? undefined : stdout.trim())),
  );
  if (version && binary)
    try {
      mkdirSync(dirname(cache), { recursive: true });
      writeFileSync(cache, JSON.stringify({ binary, version }));
    } catch {
      // a read-only or full home: dune is asked again next time
    }
  return version;
}

/** Compares dotted versions numerically: "5.10" > "5.4". */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+~-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.+~-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
