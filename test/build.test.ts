/**
 * --build and --run with the real opam and dune. Inside the Debian forky chroot
 * the built CLI runs on the chroot's Node, opam installs from an offline
 * repository the test makes (see offlineOpamRepository), and dune builds against
 * Debian's OCaml 5.4 and libraries. On the host, bookworm's OCaml 4.13 and dune 2.9
 * (.ci/run installs them) play the too-old compiler and dune; without them those
 * tests are skipped, saying so.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareVersions } from "../src/toolchain/tools.js";
import { cliPath, exists, outputOf, runCli, tempDir } from "./helpers/cli.js";
import { forkyRoot, forkyWorkDir, inForky, installCliInForky, opamSetting, removeForkyWorkDirs } from "./helpers/forky.js";
import { Terminal } from "./helpers/terminal.js";

afterAll(removeForkyWorkDirs);

const root = forkyRoot();
let cli = "";
beforeAll(() => {
  cli = installCliInForky(root);
});

const setting = (leaveOut: string[] = []) => opamSetting(root, leaveOut);

const slow = 900_000;

describe("--build in a local switch", () => {
  it(
    "installs with opam, builds, tests and runs the starter; logs every step",
    async () => {
      const { outside, env } = setting();
      const r = await inForky(`${env} && node ${cli} app --template domains --build --switch local --run`);
      expect(r.exitCode, r.all).toBe(0);
      for (const step of ["install dependencies", "dune build", "dune test", "run the starter"])
        expect(r.all).toMatch(new RegExp(`✓ ${step} \\(\\d+\\.\\d s\\)`));
      expect(r.all).toContain("Built and tested with opam (a local switch, _opam/)");
      expect(r.all).toContain("results agree: yes");
      expect(exists(join(outside, "app/_opam"))).toBe(true);
      const log = readFileSync(join(outside, "app/_build/create-ocaml-parallel.log"), "utf8");
      expect(log).toContain("$ opam switch create");
      expect(log).toContain("$ opam exec --switch");
    },
    slow,
  );

  it(
    "--ocaml names the local switch's compiler: opam is asked for exactly that one",
    async () => {
      const { outside, env } = setting();
      // the offline repository has OCaml 5.4.1 only: 5.3.0 cannot be had, and opam says so
      const r = await inForky(`${env} && node ${cli} app --template domains --build --switch local --ocaml 5.3.0 --no-git`);
      expect(r.exitCode, r.all).toBe(2);
      expect(r.all).toMatch(/install dependencies failed \(exit \d+\): opam switch create \S+ ocaml\.5\.3\.0 --deps-only/);
      const ok = await inForky(`${env} && node ${cli} app2 --template domains --build --switch local --ocaml 5.4.1 --no-git`);
      expect(ok.exitCode, ok.all).toBe(0);
      expect(readFileSync(join(outside, "app2/_build/create-ocaml-parallel.log"), "utf8")).toMatch(
        /\$ opam switch create \S+ ocaml\.5\.4\.1 /,
      );
    },
    slow,
  );

  it(
    "--json reports each step's status and duration",
    async () => {
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
    },
    slow,
  );

  it(
    "a package opam cannot find: exit 2, names the step and the log, keeps the project",
    async () => {
      const { outside, env } = setting(["domainslib"]);
      const r = await inForky(`${env} && node ${cli} app --template domains --variant domainslib --build --switch local`);
      expect(r.exitCode, r.all).toBe(2);
      expect(r.all).toMatch(/install dependencies failed \(exit \d+\): opam switch create/);
      expect(r.all).toContain("domainslib");
      expect(r.all).toMatch(/The project is written; the full log is .*app\/_build\/create-ocaml-parallel\.log/);
      expect(exists(join(outside, "app/dune-project"))).toBe(true);
    },
    slow,
  );

  it(
    "a build error: exit 2 with dune's message; the user's files and the project stay",
    async () => {
      const { outside, env } = setting();
      mkdirSync(join(outside, "app/lib"), { recursive: true });
      writeFileSync(join(outside, "app/lib/mine.ml"), "let broken = (\n");
      const r = await inForky(`${env} && node ${cli} app --template domains --force --build --switch local --no-git`);
      expect(r.exitCode, r.all).toBe(2);
      expect(r.all).toMatch(/dune build failed \(exit 1\)/);
      expect(r.all).toContain('File "lib/mine.ml"');
      expect(readFileSync(join(outside, "app/lib/mine.ml"), "utf8")).toBe("let broken = (\n");
      expect(exists(join(outside, "app/lib/parallel.ml"))).toBe(true);
    },
    slow,
  );
});

describe("interrupting --build", () => {
  it(
    "Ctrl-C during a step stops it: exit 130, no process left behind, the project stays",
    async () => {
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
      // where the project is kept, and the commands that finish what was stopped
      expect(r.all).toMatch(/was stopped\. The project is kept in \S*\/app \(the build's log: \S+\); to finish the build: cd \S*\/app && /);
      expect(exists(join(outside, "app/dune-project"))).toBe(true);
    },
    slow,
  );
});

describe("--build in the current switch", () => {
  it(
    "installs into the active switch with opam install",
    async () => {
      const { env } = setting();
      const r = await inForky(
        `${env} && opam switch create main ocaml-system >/dev/null 2>&1 && node ${cli} app --template domains --variant domainslib --build --run --no-git`,
      );
      expect(r.exitCode, r.all).toBe(0);
      expect(r.all).toContain("Built and tested with opam (the current switch, main)");
      expect(r.all).toContain("results agree: yes");
    },
    slow,
  );
});

describe("AGENTS.md", () => {
  /** The commands of the ```sh blocks under a heading of AGENTS.md. */
  const commandsUnder = (agents: string, heading: string) => {
    const section = agents.slice(agents.indexOf(`## ${heading}`)).split(/\n## /)[0];
    return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block]) => block.trim().split("\n"));
  };

  it(
    "its commands work as written: the setup into the current switch, every command and the timing; then the setup of a local switch",
    async () => {
      const { outside, inside, env } = setting();
      const made = await runCli([join(outside, "app"), "--template", "domains", "--yes", "--no-git"]);
      expect(made.exitCode, outputOf(made)).toBe(0);
      const agents = readFileSync(join(outside, "app/AGENTS.md"), "utf8");
      const [current, local] = commandsUnder(agents, "Setup");
      const commands = [...commandsUnder(agents, "Commands"), ...commandsUnder(agents, "Timing")];
      expect(current).toBe("opam install . --deps-only --with-test");
      expect(local).toMatch(/^opam switch create \. ocaml\.[\d.]+ --deps-only --with-test --yes$/);
      expect(commands).toEqual(
        expect.arrayContaining(["opam exec -- dune build", "opam exec -- dune test", "opam exec -- dune build @fmt"]),
      );
      expect(commands.some((c) => c.includes("--profile release"))).toBe(true);
      // each command on its own, so that the log says which one failed
      const run = (list: string[]) => list.map((c) => `echo "== ${c}" && ${c} 2>&1`).join(" && ");
      const r = await inForky(
        `${env} && opam switch create main ocaml-system >/dev/null 2>&1 && node ${cli} next-app --template domains --yes --no-git && cd ${inside}/app && ${run([current, ...commands])} && rm -rf _build && ${run([local, "opam exec -- dune build", "opam exec -- dune test"])} && opam switch list`,
      );
      expect(r.exitCode, r.all).toBe(0);
      // the current switch's OCaml (5.4, read from opam's files) meets the floor: Next: installs into it
      expect(r.stdout).toMatch(/Next:\n {2}cd next-app\n {2}opam install \. --deps-only --with-test\n/);
      expect(r.all).toContain("results agree: yes");
      expect(r.all).toMatch(/\/app\b/); // the local switch is listed
    },
    slow,
  );
});

/** A PATH inside the chroot: a folder linking every tool of /usr/bin but those named. */
const pathWithout = (inside: string, ...hidden: string[]) =>
  `mkdir -p ${inside}/bin && for f in /usr/bin/*; do case "\${f##*/}" in ${hidden.join("|")}) ;; *) ln -s "$f" ${inside}/bin/ ;; esac; done && export PATH=${inside}/bin`;

/** A PATH on the host with node and, when there, the host's own tools named (but never opam). */
function hostPath(...tools: string[]) {
  const bin = tempDir("cop-bin-");
  symlinkSync(process.execPath, join(bin, "node"));
  for (const tool of tools) {
    const found = hostTool(tool);
    if (found) symlinkSync(found, join(bin, tool));
  }
  return bin;
}
const hostTool = (tool: string) => {
  try {
    return execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
};
const hostVersion = (tool: string, args: string[]) => {
  try {
    return execFileSync(tool, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
};
/** The host's old OCaml and dune (Debian bookworm's 4.13 and 2.9, from .ci/run), or why a test cannot use them. */
const host = { ocaml: hostVersion("ocamlc", ["-vnum"]), dune: hostVersion("dune", ["--version"]) };
const noOldOcaml =
  host.ocaml && compareVersions(host.ocaml, "5.0") < 0
    ? undefined
    : `needs an OCaml older than 5.0 on this machine (found: ${host.ocaml ?? "none"}); .ci/run installs Debian bookworm's`;
const noOldDune =
  host.dune && compareVersions(host.dune, "3.11") < 0
    ? undefined
    : `needs a dune older than 3.11 on this machine (found: ${host.dune ?? "none"}); .ci/run installs Debian bookworm's`;

for (const reason of [noOldOcaml, noOldDune]) if (reason) console.warn(`test/build.test.ts: a test is skipped: it ${reason}`);

/** The "Next:" block the CLI printed. */
const nextBlock = (stdout: unknown) => String(stdout).slice(String(stdout).indexOf("Next:"));

describe("without opam", () => {
  it(
    "builds with dune alone when the libraries are installed, and says so; Next: shows dune's commands",
    async () => {
      const [, inside] = forkyWorkDir(root, "dune-only-");
      const r = await inForky(
        `cd ${inside} && ${pathWithout(inside, "opam")} && node ${cli} app --template domains --build --run --no-git`,
      );
      expect(r.exitCode, r.all).toBe(0);
      expect(r.all).toContain("opam was not found: building with the dune on PATH (3.");
      expect(r.all).toContain("Built and tested with dune alone (no opam)");
      expect(r.all).toContain("results agree: yes");
      expect(nextBlock(r.stdout)).toMatch(/Next:\n {2}cd app\n {2}dune build\n {2}dune test\n {2}dune exec \.\/bin\/main\.exe --(\n|$)/);
    },
    slow,
  );

  it("says what to install when neither opam nor dune is there, and keeps the project", async () => {
    const cwd = tempDir();
    const r = await runCli(["app", "-t", "domains", "--build"], { cwd, env: { PATH: hostPath() } });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toMatch(/neither opam nor dune is installed.*install opam/);
    expect(exists(join(cwd, "app/dune-project"))).toBe(true);
    expect(exists(join(cwd, "app/_build"))).toBe(false);
    expect(nextBlock(r.stdout)).toMatch(
      /Next:\n {2}cd app\n {2}# install opam first: https:\/\/opam\.ocaml\.org\/doc\/Install\.html\n {2}opam init\n {2}opam switch create \. ocaml\.5\.4\.1 --deps-only --with-test --yes\n/,
    );
  });

  it("quotes the folder in the commands it says to run, so pasting them runs nothing else", async () => {
    const cwd = tempDir();
    const folder = "my app $(touch pwned)";
    const r = await runCli([folder, "-t", "domains", "--name", "app", "--build"], { cwd, env: { PATH: hostPath() } });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toContain(`then run: cd '${join(cwd, folder)}' && opam init && opam switch create .`);
  });

  it("names the system package a template needs when it is missing (MPI), with the install command", async () => {
    const cwd = tempDir();
    const r = await runCli(["app", "-t", "mpi", "--build"], { cwd, env: { PATH: hostPath("ocamlc", "dune") } });
    expect(r.exitCode, outputOf(r)).toBe(1);
    // what opam's depexts ask for (templates/depexts.json), before anything runs
    expect(r.stderr).toMatch(
      /the mpi template needs an MPI implementation .* and pkg-config .*\(mpirun, pkg-config not found\)\. Install it: sudo apt-get install mpi-default-dev pkg-config/,
    );
    expect(exists(join(cwd, "app/dune-project"))).toBe(true);
    expect(exists(join(cwd, "app/_build"))).toBe(false);
  });

  it("names autoconf for parany (opam's conf-autoconf, through cpu) when it is missing", async () => {
    const cwd = tempDir();
    const r = await runCli(["app", "-t", "parany", "--build"], { cwd, env: { PATH: hostPath("ocamlc", "dune") } });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toMatch(/the parany template needs autoconf .*\(autoconf not found\)\. Install it: sudo apt-get install autoconf/);
    expect(exists(join(cwd, "app/_build"))).toBe(false);
  });

  it("refuses an OCaml older than the template's floor (the host's Debian bookworm OCaml 4.13)", async (ctx) => {
    if (noOldOcaml) ctx.skip(noOldOcaml);
    const cwd = tempDir();
    const r = await runCli(["app", "-t", "domains", "--build"], { cwd, env: { PATH: hostPath("ocamlc", "dune") } });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toMatch(/OCaml 4\.13\.\d+ is older than 5\.0, which the domains template needs/);
    expect(exists(join(cwd, "app/dune-project"))).toBe(true);
  });

  it("refuses a dune older than the project's dune language (the host's Debian bookworm dune 2.9): exit 1, nothing run, Next: says to get opam", async (ctx) => {
    if (noOldDune) ctx.skip(noOldDune);
    const cwd = tempDir();
    const r = await runCli(["app", "-t", "parmap", "--build"], { cwd, env: { PATH: hostPath("ocamlc", "dune") } });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toMatch(
      /dune 2\.9\.\d+ is older than 3\.11, the dune language of the project's dune-project\. The project was written but not built; install opam/,
    );
    // no step started
    expect(r.stderr).not.toMatch(/^(…|✓|✗) /m);
    expect(exists(join(cwd, "app/dune-project"))).toBe(true);
    expect(exists(join(cwd, "app/_build"))).toBe(false);
    expect(nextBlock(r.stdout)).toContain("# install opam first");
  });

  it("does not offer to build when it could not work (dune 2.9, or no dune)", async () => {
    for (const tools of noOldDune ? [[]] : [[], ["ocamlc", "dune"]]) {
      const cwd = tempDir();
      const t = new Terminal(
        ["env", `PATH=${hostPath(...tools)}`, process.execPath, cliPath, "app", "domains", "--variant", "stdlib", "--no-git"],
        cwd,
      );
      try {
        await t.waitFor(/Write the .*\?/);
        t.keys("Enter");
        const screen = await t.waitFor(/\[exit \d+\]/);
        expect(screen, tools.join(" ")).toContain("[exit 0]");
        expect(screen).not.toMatch(/Build and test|build and test\?/);
        expect(exists(join(cwd, "app/dune-project"))).toBe(true);
      } finally {
        t.close();
      }
    }
  });
});

describe("opam installed but never initialised", () => {
  /** An OPAMROOT that `opam init` never saw, as right after `apt install opam`. */
  const fresh = (inside: string) => `export OPAMROOT=${inside}/never-initialised OPAMYES=1 OPAMCOLOR=never; cd ${inside}`;

  it(
    "builds with dune alone when dune and the libraries are there, and says so",
    async () => {
      const [outside, inside] = forkyWorkDir(root, "opam-uninit-");
      const r = await inForky(`${fresh(inside)} && node ${cli} app --template parmap --build --run --no-git`);
      expect(r.exitCode, r.all).toBe(0);
      expect(r.all).toContain("opam is not initialised: building with the dune on PATH (3.");
      expect(r.all).toContain("Built and tested with dune alone");
      expect(r.all).toContain("results agree: yes");
      expect(nextBlock(r.stdout)).toMatch(/Next:\n {2}cd app\n {2}dune build\n {2}dune test\n/);
      expect(exists(join(outside, "never-initialised"))).toBe(false);
    },
    slow,
  );

  it(
    "without dune, or with --switch: stops before running anything, saying to run opam init (exit 1), the project kept",
    async () => {
      const [outside, inside] = forkyWorkDir(root, "opam-uninit-");
      const noDune = await inForky(
        `${fresh(inside)} && ${pathWithout(inside, "dune")} && node ${cli} app --template domains --build --no-git`,
      );
      expect(noDune.exitCode, noDune.all).toBe(1);
      expect(noDune.all).toMatch(
        /opam is installed but was never initialised\. The project was written but not built; run: cd \S*app && opam init && opam switch create \./,
      );
      expect(noDune.all).not.toContain("Opam has not been initialised");
      expect(exists(join(outside, "app/dune-project"))).toBe(true);
      expect(exists(join(outside, "app/_build"))).toBe(false);
      const local = await inForky(`${fresh(inside)} && node ${cli} app2 --template domains --build --switch local --no-git`);
      expect(local.exitCode, local.all).toBe(1);
      expect(local.all).toMatch(/opam is installed but was never initialised.*run: cd \S*app2 && opam init/);
      expect(exists(join(outside, "app2/dune-project"))).toBe(true);
    },
    slow,
  );
});

describe("opam initialised, then its config damaged", () => {
  it(
    "says that opam fails, in opam's own words and with the command, not that it was never initialised; Next: says opam init is not the fix",
    async () => {
      const { outside, inside, env } = setting();
      const damage = 'echo "this is { not opam" > "$OPAMROOT/config"';
      const r = await inForky(`${env} && ${damage} && node ${cli} app --template domains --build --switch local --no-git`);
      expect(r.exitCode, r.all).toBe(1);
      expect(r.all).toContain(
        "opam fails here (`opam var root` says: Stdlib.Parsing.Parse_error). It was initialised, so opam init alone is not the fix: repair its state in",
      );
      expect(r.all).toContain("the project was written but not built; run: cd");
      expect(r.all).not.toContain("never initialised");
      expect(exists(join(outside, "app/dune-project"))).toBe(true);
      const next = await inForky(
        `export OPAMROOT=${inside}/opamroot OPAMCOLOR=never; cd ${inside} && node ${cli} app2 --template domains --no-git`,
      );
      expect(next.exitCode, next.all).toBe(0);
      expect(nextBlock(next.stdout)).toMatch(
        /Next:\n {2}cd app2\n {2}# opam cannot read \S+\/opamroot\/config: restore it, or move its folder aside and run opam init\n {2}opam init\n {2}opam /,
      );
    },
    slow,
  );
});

describe("inside another dune project", () => {
  it(
    "--build there builds the project on its own, with dune --root when the outer one is a workspace",
    async () => {
      const [outside, inside] = forkyWorkDir(root, "nested-build-");
      mkdirSync(join(outside, "outer"));
      writeFileSync(join(outside, "outer/dune-workspace"), "(lang dune 3.11)\n");
      writeFileSync(join(outside, "outer/dune"), "(rule (oops\n"); // what the outer project would fail on
      const r = await inForky(
        `cd ${inside} && ${pathWithout(inside, "opam")} && node ${cli} outer/app --template domains --build --run --no-git`,
      );
      expect(r.exitCode, r.all).toBe(0);
      expect(r.all).toContain(
        "has a dune-workspace, so dune would build this project as part of that workspace: run dune here with --root .",
      );
      expect(r.all).toContain("results agree: yes");
      expect(readFileSync(join(outside, "outer/app/_build/create-ocaml-parallel.log"), "utf8")).toContain(
        `$ dune build --root ${inside}/outer/app`,
      );
    },
    slow,
  );
});
