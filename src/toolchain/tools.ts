/**
 * Finding the tools a project is built with (opam, dune, ocaml) and their versions. Every tool
 * runs through execa with argument arrays (never a shell string) and a timeout; execa is loaded
 * on first use so a run that spawns nothing does not pay for it.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import type { Options } from "execa";

export async function run(file: string, args: string[], options: Options = {}) {
  const { execa } = await import("execa");
  return execa(file, args, { reject: false, stdin: "ignore", ...options });
}

/** Whether an executable called `command` is on PATH. */
export function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** The first line a tool prints for `args`, or undefined when it is not installed or fails. */
async function versionOf(file: string, args: string[], cwd?: string): Promise<string | undefined> {
  const r = await run(file, args, { cwd, timeout: 60_000 });
  return r.exitCode === 0 ? String(r.stdout).trim().split("\n")[0] : undefined;
}

export interface Tools {
  opam?: string;
  /** Whether opam was initialised (`opam init`): without it, opam can do nothing. */
  opamReady?: boolean;
  dune?: string;
  /** The OCaml that builds the project: the current switch's, or the one on PATH. */
  ocaml?: string;
  /** Whether opam has a current switch to install into. */
  opamSwitch?: string;
}

export async function detectTools(cwd: string): Promise<Tools> {
  const [opam, dune] = await Promise.all([versionOf("opam", ["--version"]), versionOf("dune", ["--version"])]);
  // opam answers "Opam has not been initialised, please run `opam init'" (exit 50) to everything but --version
  const opamReady = opam !== undefined && (await versionOf("opam", ["var", "root"], cwd)) !== undefined;
  const opamSwitch = opamReady ? await versionOf("opam", ["switch", "show"], cwd) : undefined;
  const ocaml = opamSwitch ? await versionOf("opam", ["exec", "--", "ocamlc", "-vnum"], cwd) : await versionOf("ocamlc", ["-vnum"]);
  return { opam, opamReady, dune, ocaml, opamSwitch };
}

/**
 * What is installed, for the commands printed after writing, without the cost
 * of detectTools: opam and its root's config file (what `opam init` writes),
 * and dune's version only when opam is missing.
 */
export async function installedTools(): Promise<{ opam?: "ready" | "uninitialised"; dune?: string }> {
  if (onPath("opam"))
    return { opam: existsSync(join(process.env.OPAMROOT || join(homedir(), ".opam"), "config")) ? "ready" : "uninitialised" };
  if (!onPath("dune")) return {};
  // loaded here: most runs never need it. Asynchronous, so that the caller can write the
  // project while dune answers (on another core: the run takes the longer of the two, not both)
  const { execFile } = await import("node:child_process");
  return new Promise((resolve) =>
    execFile("dune", ["--version"], { encoding: "utf8", timeout: 10_000 }, (error, stdout) =>
      resolve({ dune: error ? undefined : stdout.trim() }),
    ),
  );
}

/** Compares dotted versions numerically: "5.10" > "5.4". */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+~-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.+~-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
