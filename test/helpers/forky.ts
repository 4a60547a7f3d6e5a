/**
 * The Debian forky chroot with OCaml 5, dune and the libraries (scripts/forky-toolchain.sh
 * builds and caches it). Projects are generated under its /work so they build inside it.
 */

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { librariesOf, type Template } from "../../src/catalog/catalog.js";
import { repo } from "./cli.js";

const script = join(repo, "scripts/forky-toolchain.sh");

/** Builds the chroot if it is not cached yet (minutes the first time) and returns its root. */
export function forkyRoot(): string {
  execFileSync("bash", [script, "setup"], { stdio: ["ignore", "inherit", "inherit"] });
  return execFileSync("bash", [script, "root"], { encoding: "utf8" }).trim();
}

const workDirs: string[] = [];

/** A fresh folder inside the chroot: [path outside, path inside]. removeForkyWorkDirs deletes it. */
export function forkyWorkDir(root: string, prefix: string): [string, string] {
  mkdirSync(join(root, "work"), { recursive: true });
  const outside = mkdtempSync(join(root, "work", prefix));
  workDirs.push(outside);
  return [outside, outside.slice(root.length)];
}

/** Spares `dir` from removeForkyWorkDirs: a failed test's project, to look at. */
export function keepForkyWorkDir(dir: string) {
  const i = workDirs.indexOf(dir);
  if (i >= 0) workDirs.splice(i, 1);
}

/** Deletes the folders this test file made in the chroot, so the cached chroot does not grow run after run. */
export function removeForkyWorkDirs() {
  for (const dir of workDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Another Debian's toolchain, made like forky's (DEBIAN_SUITE in scripts/forky-toolchain.sh):
 * trixie (OCaml 5.3.0) or bullseye (4.11.1). Built once and cached; `run` runs a bash script
 * in it, bounded by `timeout` ms, and never rejects. forkyWorkDir gives folders in its `root` too.
 */
export function debianToolchain(suite: "trixie" | "bullseye") {
  const env = { ...process.env, DEBIAN_SUITE: suite };
  execFileSync("bash", [script, "setup"], { env, stdio: ["ignore", "inherit", "inherit"] });
  const root = execFileSync("bash", [script, "root"], { env, encoding: "utf8" }).trim();
  const run = (command: string, timeout = 600_000) =>
    execa("bash", [script, "run", "bash", "-c", command], { env, reject: false, timeout, all: true });
  return { suite, root, run };
}

// libraries that come with the compiler
const WITH_OCAML = new Set(["unix", "threads", "threads.posix", "str", "dynlink"]);

/** Whether a template's libraries are all in the chroot (findlib's list, read once when called). */
export function forkyBuildable(): (m: Template) => boolean {
  const installed = new Set(
    execFileSync("bash", [script, "run", "ocamlfind", "list"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n")
      .map((l) => l.split(" ")[0]),
  );
  return (m) => librariesOf(m).every((l) => WITH_OCAML.has(l) || installed.has(l));
}

/** Whether the chroot has the libraries built from a source folder (async, rpc_parallel, mpi). */
export const forkyHasSources = () => execa("bash", [script, "has-sources"], { reject: false }).then((r) => r.exitCode === 0);

/** Runs a bash script inside the chroot, bounded by `timeout` ms; never rejects. */
export function inForky(command: string, timeout = 600_000) {
  return execa("bash", [script, "run", "bash", "-c", command], { reject: false, timeout, all: true });
}

/**
 * Starts a bash script inside the chroot as a process group of its own, for a process the test
 * holds while it runs (a server): stop it by its pid, or the group with process.kill(-pid).
 * The promise never rejects.
 */
export function spawnInForky(command: string) {
  return execa("bash", [script, "run", "bash", "-c", command], { reject: false, detached: true });
}

/** Copies the built package (what npm would install) into the chroot; returns the CLI's path inside. */
export function installCliInForky(root: string): string {
  // one folder per checkout: several worktrees may test in the same cached chroot at once
  const dest = join(root, "opt", `create-ocaml-parallel-${createHash("sha256").update(repo).digest("hex").slice(0, 8)}`);
  rmSync(dest, { recursive: true, force: true });
  for (const part of ["package.json", "bin", "dist", "templates"]) cpSync(join(repo, part), join(dest, part), { recursive: true });
  return `${dest.slice(root.length)}/bin/create-ocaml-parallel.cjs`;
}

/**
 * An offline opam repository for the chroot: the system compiler (as opam-repository's
 * own ocaml-system package does) and, as no-op packages, the libraries Debian installed
 * there. opam solves, creates switches and installs from it for real, with no network.
 * Returns the repository's path inside the chroot. `leaveOut` drops packages from it.
 */
export function offlineOpamRepository(root: string, leaveOut: string[] = []): string {
  const [outside, inside] = forkyWorkDir(root, "opam-repo-");
  const pkg = (name: string, version: string, body: string) => {
    if (leaveOut.includes(name)) return;
    mkdirSync(join(outside, "packages", name, `${name}.${version}`), { recursive: true });
    writeFileSync(join(outside, "packages", name, `${name}.${version}`, "opam"), `opam-version: "2.0"\n${body}\n`);
  };
  writeFileSync(join(outside, "repo"), 'opam-version: "2.0"\n');
  pkg(
    "ocaml-system",
    "5.4.1",
    'synopsis: "The OCaml compiler of the system"\navailable: sys-ocaml-version = "5.4.1"\nflags: compiler\nbuild: ["ocamlc" "-vnum"]',
  );
  pkg("ocaml", "5.4.1", 'synopsis: "The OCaml compiler"\ndepends: ["ocaml-system" {= "5.4.1"}]\nflags: conf');
  pkg("dune", "3.24.1", 'synopsis: "dune, installed by Debian"\ndepends: ["ocaml"]\nbuild: ["dune" "--version"]');
  for (const [name, version, findlib, needs] of [
    ["eio_main", "1.6", "eio_main"],
    ["eio", "1.6", "eio"],
    ["lwt", "6.1.2", "lwt"],
    ["domainslib", "0.5.2", "domainslib"],
    ["parmap", "1.2.5", "parmap"],
    ["parany", "14.0.1", "parany"],
    ["cpu", "2.0.0", "cpu"],
    ["luv", "0.5.14", "luv"],
    // built into the chroot from a source folder, when one was given
    ["async", "v0.17.0", "async"],
    ["core", "v0.17.2", "core"],
    ["core_unix", "v0.17.1", "core_unix"],
    ["ppx_jane", "v0.17.0", "ppx_jane"],
    ["rpc_parallel", "v0.17.0", "rpc_parallel"],
    ["mpi", "1.07", "mpi"],
    // moonpool with the part of its closure Debian lacks, as opam-repository links them
    ["moonpool", "0.11", "moonpool", ["picos", "picos_std", "thread-local-storage", "either"]],
    ["picos", "0.6.0", "picos", ["thread-local-storage"]],
    ["picos_std", "0.6.0", "picos_std", ["picos"]],
    ["thread-local-storage", "0.2", "thread-local-storage"],
    ["either", "1.0.0", "either"],
  ] as [string, string, string, string[]?][]) {
    const depends = ["ocaml", ...(needs ?? [])].map((d) => `"${d}"`).join(" ");
    pkg(name, version, `synopsis: "${name}, installed by Debian"\ndepends: [${depends}]\nbuild: ["ocamlfind" "query" "${findlib}"]`);
  }
  return inside;
}

/** A fresh OPAMROOT initialised on a new offline repository, and a folder to work in: `env` starts a script there. */
export function opamSetting(root: string, leaveOut: string[] = []) {
  const repository = offlineOpamRepository(root, leaveOut);
  const [outside, inside] = forkyWorkDir(root, "build-");
  const env = `export OPAMROOT=${inside}/opamroot OPAMYES=1 OPAMCOLOR=never; opam init --bare --no-setup --disable-sandboxing ${repository} >/dev/null 2>&1 || exit 99; cd ${inside}`;
  return { outside, inside, env };
}
