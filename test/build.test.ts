/**
 * --build and --run with the real opam and dune. Inside the Debian forky chroot
 * the built CLI runs on the chroot's Node, opam installs from an offline
 * repository the test makes (see offlineOpamRepository), and dune builds against
 * Debian's OCaml 5.4 and libraries. On the host, bookworm's OCaml 4.13 plays the
 * too-old compiler.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exists, outputOf, runCli, tempDir } from "./helpers/cli.js";
import { forkyRoot, forkyWorkDir, inForky, installCliInForky, opamSetting, removeForkyWorkDirs } from "./helpers/forky.js";

afterAll(removeForkyWorkDirs);

const root = forkyRoot();
let cli = "";
beforeAll(() => {
  cli = installCliInForky(root);
});

const setting = (leaveOut: string[] = []) => opamSetting(root, leaveOut);

const slow = 900_000;

describe("--build in a local switch", () => {
  it("installs with opam, builds, tests and runs the starter; logs every step", async () => {
    const { outside, env } = setting();
    const r = await inForky(`${env} && node ${cli} app --template domains --build --switch local --run`);
    expect(r.exitCode, r.all).toBe(0);
    for (const step of ["install dependencies", "dune build", "dune test", "run the starter"]) expect(r.all).toMatch(new RegExp(`✓ ${step} \\(\\d+\\.\\d s\\)`));
    expect(r.all).toContain("Built and tested with opam (a local switch, _opam/)");
    expect(r.all).toContain("results agree: yes");
    expect(exists(join(outside, "app/_opam"))).toBe(true);
    const log = readFileSync(join(outside, "app/_build/create-ocaml-parallel.log"), "utf8");
    expect(log).toContain("$ opam switch create");
    expect(log).toContain("$ opam exec --switch");
  }, slow);

  it("--json reports each step's status and duration", async () => {
    const { env } = setting();
    const r = await inForky(`${env} && node ${cli} app domains --variant domainslib --build --switch local --json --no-git`);
    expect(r.exitCode, r.all).toBe(0);
    const json = JSON.parse(String(r.stdout));
    expect(json.ok).toBe(true);
    expect(json.build.with).toBe("opam-local");
    expect(json.build.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      "install dependencies:ok",
      "dune build:ok",
      "dune test:ok",
    ]);
    for (const s of json.build.steps) expect(s.seconds).toBeGreaterThan(0);
  }, slow);

  it("a package opam cannot find: exit 2, names the step and the log, keeps the project", async () => {
    const { outside, env } = setting(["domainslib"]);
    const r = await inForky(`${env} && node ${cli} app --template domains --variant domainslib --build --switch local`);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toMatch(/install dependencies failed \(exit \d+\): opam switch create/);
    expect(r.all).toContain("domainslib");
    expect(r.all).toMatch(/The project is written; the full log is .*app\/_build\/create-ocaml-parallel\.log/);
    expect(exists(join(outside, "app/dune-project"))).toBe(true);
  }, slow);

  it("a build error: exit 2 with dune's message; the user's files and the project stay", async () => {
    const { outside, env } = setting();
    mkdirSync(join(outside, "app/lib"), { recursive: true });
    writeFileSync(join(outside, "app/lib/mine.ml"), "let broken = (\n");
    const r = await inForky(`${env} && node ${cli} app --template domains --force --build --switch local --no-git`);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toMatch(/dune build failed \(exit 1\)/);
    expect(r.all).toContain('File "lib/mine.ml"');
    expect(readFileSync(join(outside, "app/lib/mine.ml"), "utf8")).toBe("let broken = (\n");
    expect(exists(join(outside, "app/lib/parallel.ml"))).toBe(true);
  }, slow);
});

describe("interrupting --build", () => {
  it("Ctrl-C during a step stops it: exit 130, no process left behind, the project stays", async () => {
    const { outside, env } = setting();
    const processes = `for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo; done | grep -E '(^|/)(dune|opam|ocaml[a-z.]*|main\\.exe)( |$)' || true`;
    const r = await inForky(
      [
        env,
        `node ${cli} app --template domains --build --switch local --run --no-git > out.txt 2>&1 & pid=$!`,
        // wait until a step runs under opam exec, then interrupt the CLI as a terminal's Ctrl-C would
        "for i in $(seq 600); do grep -q '^\\$ opam exec' app/_build/create-ocaml-parallel.log 2>/dev/null && break; sleep 0.05; done",
        'kill -INT $pid; wait $pid; echo "exit=$?"; sleep 1',
        `echo "left: $(${processes})"`,
        "cat out.txt",
      ].join("\n"),
    );
    expect(r.all).toContain("exit=130");
    expect(r.all).toMatch(/left: \n/);
    expect(r.all).toContain("interrupted (SIGINT)");
    expect(exists(join(outside, "app/dune-project"))).toBe(true);
  }, slow);
});

describe("--build in the current switch", () => {
  it("installs into the active switch with opam install", async () => {
    const { env } = setting();
    const r = await inForky(
      `${env} && opam switch create main ocaml-system >/dev/null 2>&1 && node ${cli} app --template domains --variant domainslib --build --run --no-git`,
    );
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toContain("Built and tested with opam (the current switch, main)");
    expect(r.all).toContain("results agree: yes");
  }, slow);
});

describe("without opam", () => {
  it("builds with dune alone when the libraries are installed, and says so", async () => {
    const [, inside] = forkyWorkDir(root, "dune-only-");
    // opam hidden: PATH is a folder linking every tool of /usr/bin but opam
    const r = await inForky(
      `cd ${inside} && mkdir bin && for f in /usr/bin/*; do [ "\${f##*/}" = opam ] || ln -s "$f" bin/; done && PATH=${inside}/bin node ${cli} app --template domains --build --run --no-git`,
    );
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toContain("opam not found: building with the dune on PATH");
    expect(r.all).toContain("Built and tested with dune alone (no opam)");
    expect(r.all).toContain("results agree: yes");
  }, slow);

  it("says what to install when neither opam nor dune is there, and keeps the project", async () => {
    const cwd = tempDir();
    // a PATH with node alone
    const bin = tempDir("cop-bin-");
    symlinkSync(process.execPath, join(bin, "node"));
    const r = await runCli(["app", "-t", "domains", "--build"], { cwd, env: { PATH: bin } });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toMatch(/neither opam nor dune is installed.*Install opam/);
    expect(exists(join(cwd, "app/dune-project"))).toBe(true);
    expect(exists(join(cwd, "app/_build"))).toBe(false);
  });

  it("names the system package a template needs when it is missing (MPI), with the install command", async () => {
    const cwd = tempDir();
    const r = await runCli(["app", "-t", "mpi", "--build"], { cwd });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toMatch(/the mpi template needs an MPI implementation .*\(mpirun not found\)\. Install it: sudo apt-get install libopenmpi-dev openmpi-bin/);
    expect(exists(join(cwd, "app/dune-project"))).toBe(true);
  });

  it("refuses an OCaml older than the template's floor (the host's Debian bookworm OCaml 4.13)", async () => {
    const cwd = tempDir();
    const r = await runCli(["app", "-t", "domains", "--build"], { cwd });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toMatch(/OCaml 4\.13\.\d+ is older than 5\.0, which the domains template needs/);
    expect(exists(join(cwd, "app/dune-project"))).toBe(true);
  });
});
