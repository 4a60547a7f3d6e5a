/**
 * Nothing the user types or does corrupts their disk: a full disk, a read-only
 * file system, interruptions at any moment, and generated names and texts.
 */

import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import fc from "fast-check";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { dependencyNames } from "../src/catalog/catalog.js";
import { create } from "../src/create/create.js";
import { CreateError } from "../src/errors.js";
import { nameProblem, normaliseName, oneLine } from "../src/names.js";
import { cliPath, outputOf, repo, runCli, snapshot, tempDir } from "./helpers/cli.js";
import { forkyRoot, forkyWorkDir, inForky, removeForkyWorkDirs } from "./helpers/forky.js";
import { Terminal } from "./helpers/terminal.js";

afterAll(removeForkyWorkDirs);

const mounts: string[] = [];
afterEach(() => {
  for (const m of mounts.splice(0)) execFileSync("umount", [m]);
});
/** A small tmpfs (root only: CI and the e2e tests run as root). */
function tmpfs(options: string): string {
  const dir = tempDir("cop-tmpfs-");
  execFileSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]);
  mounts.push(dir);
  return dir;
}

describe("two runs at once", () => {
  it("the one that finds its folder made and filled meanwhile says so and leaves the other's files alone", async () => {
    const cwd = tempDir();
    const target = join(cwd, "app");
    // the other run lands while this one renders
    const render = async () => {
      mkdirSync(target);
      writeFileSync(join(target, "theirs.txt"), "the other run's");
    };
    await expect(create({ directory: "app", template: "domains", git: false, cwd }, render)).rejects.toThrowError(
      /app appeared, with files in it, while the project was being written .*nothing was written/,
    );
    expect(readdirSync(cwd)).toEqual(["app"]);
    expect(readdirSync(target)).toEqual(["theirs.txt"]);
  });
});

describe("the file system refuses", () => {
  it("a full disk mid-write: exit 1, says so, leaves nothing", async () => {
    const disk = tmpfs("size=48k"); // the domains project needs about 35 kB, plus the folders
    const r = await runCli(["app", "-t", "domains", "--yes", "--no-git"], { cwd: disk });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toMatch(/no space left on the device \(ENOSPC\); nothing was written/);
    expect(readdirSync(disk)).toEqual([]);
  });

  it("a read-only file system: exit 1, says so, leaves nothing", async () => {
    const disk = tmpfs("ro,size=1m");
    const r = await runCli(["deep/er/app", "-t", "domains", "--yes", "--no-git"], { cwd: disk });
    expect(r.exitCode, outputOf(r)).toBe(1);
    // Linux says EROFS; gVisor (this project's CI sandbox) answers a recursive mkdir there with ENOENT
    expect(r.stderr).toMatch(/creating a folder in .* failed: .*\((EROFS|ENOENT)\); nothing was written/);
    expect(readdirSync(disk)).toEqual([]);
  });

  it("a full disk under the prompts (the write goes through the plop generator): the same message and exit 1", async () => {
    const disk = tmpfs("size=48k");
    const t = new Terminal([process.execPath, cliPath, "app", "-t", "domains", "--variant", "stdlib", "--no-git"], disk);
    try {
      await t.waitFor(/Write the domains .*project/);
      t.keys("Enter");
      const screen = await t.waitFor(/\[exit \d+\]/);
      expect(screen).toContain("[exit 1]");
      expect(screen.replace(/\s*\n\s*/g, " ")).toMatch(/no space left on the device \(ENOSPC\); nothing was written/);
      expect(readdirSync(disk)).toEqual([]);
    } finally {
      t.close();
    }
  });

  it("a full disk with a parent to create: the parent it made is removed too", async () => {
    const disk = tmpfs("size=48k");
    const r = await runCli(["new/parent/app", "-t", "domains", "--yes", "--no-git"], { cwd: disk });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(readdirSync(disk)).toEqual([]);
  });
});

/** Files and folders below `dir`, `dir` itself included: the inodes a project takes. */
const inodesOf = (dir: string): number =>
  1 + readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? inodesOf(join(dir, e.name)) : 1), 0);

/** The project `args` write, written by the CLI in a fresh folder: what a complete one looks like. */
async function reference(args: string[], folder: string) {
  const cwd = tempDir();
  const r = await runCli(args, { cwd });
  expect(r.exitCode, outputOf(r)).toBe(0);
  return { snapshot: snapshot(join(cwd, folder)), inodes: inodesOf(join(cwd, folder)) };
}

/** Staging folders the run would have left, beside or inside. */
const staging = (dir: string) => readdirSync(dir).filter((f) => f.includes("create-ocaml-parallel"));

/** The user nobody: the CLI run without root's right to write anywhere. */
const NOBODY = 65534;
const asNobody = (args: string[], cwd: string) =>
  execa("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, cliPath, ...args], {
    cwd,
    reject: false,
  });

describe("an existing folder is written into, and stays itself", () => {
  it("an empty mount point: the project lands in it, and it stays the mount (no EBUSY)", async () => {
    const mount = tmpfs("size=4m");
    const before = statSync(mount);
    const r = await runCli([mount, "-t", "domains", "--name", "app", "--yes", "--no-git"], { cwd: tempDir() });
    expect(r.exitCode, outputOf(r)).toBe(0);
    const after = statSync(mount);
    expect([after.dev, after.ino]).toEqual([before.dev, before.ino]);
    expect(existsSync(join(mount, "app.opam"))).toBe(true);
    expect(staging(mount)).toEqual([]);
  });

  it("an empty folder of yours under a parent you cannot write: the project lands in it (no EACCES)", async () => {
    const parent = tempDir();
    chmodSync(parent, 0o755); // root's: nobody may enter, not write
    mkdirSync(join(parent, "app"));
    chownSync(join(parent, "app"), NOBODY, NOBODY);
    const r = await asNobody(["app", "-t", "domains", "--yes", "--no-git"], parent);
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(existsSync(join(parent, "app/app.opam"))).toBe(true);
    expect(readdirSync(parent)).toEqual(["app"]);
    expect(staging(join(parent, "app"))).toEqual([]);
  });

  it("a failure while moving the project in removes exactly what was moved: the folder is as it was", async () => {
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const app = join(parent, "app");
    // the user's test/ folder, which they cannot write either: the project's test/ files are moved into it last
    mkdirSync(join(app, "test"), { recursive: true });
    chownSync(app, NOBODY, NOBODY);
    chownSync(join(app, "test"), NOBODY, NOBODY);
    chmodSync(join(app, "test"), 0o555);
    const r = await asNobody(["app", "-t", "domains", "--force", "--yes", "--no-git"], parent);
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toMatch(/writing .*app failed: permission denied \(EACCES\); nothing was written/);
    expect(readdirSync(app)).toEqual(["test"]);
    expect(readdirSync(join(app, "test"))).toEqual([]);
  });
});

describe("git init", () => {
  const args = ["app", "-t", "domains", "--yes"];

  it("a full disk while git writes .git: the project stays, no half-made .git", async () => {
    const { snapshot: complete, inodes } = await reference([...args, "--no-git"], "app");
    // room for the project (and the mount's root), and for a few of git's files only
    const disk = tmpfs(`size=4m,nr_inodes=${inodes + 1 + 3}`);
    const r = await runCli(args, { cwd: disk });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(r.stdout).toContain("git init failed; the project is written, run git init yourself");
    expect(existsSync(join(disk, "app/.git"))).toBe(false);
    expect(snapshot(join(disk, "app"))).toEqual(complete);
  });

  it.each(["SIGINT", "SIGTERM"] as const)("%s while git writes .git: .git removed, git stopped, the project stays", async (signal) => {
    const { snapshot: complete } = await reference([...args, "--no-git"], "app");
    // a git that writes the first file of .git, then hangs: the run is interrupted there
    const bin = tempDir("cop-fake-git-");
    const pidFile = join(bin, "pid");
    writeFileSync(
      join(bin, "git"),
      `#!/bin/sh\ncase "$1" in\n  rev-parse) exit 128 ;;\n  init) mkdir .git && echo x > .git/description && echo $$ > ${pidFile} && exec sleep 30 ;;\nesac\n`,
      { mode: 0o755 },
    );
    const cwd = tempDir();
    const child = execa(process.execPath, [cliPath, ...args], { cwd, reject: false, env: { PATH: `${bin}:${process.env.PATH}` } });
    while (!existsSync(pidFile)) await sleep(20);
    child.kill(signal);
    const r = await child;
    expect(r.exitCode, outputOf(r)).toBe(signal === "SIGINT" ? 130 : 143);
    expect(existsSync(join(cwd, "app/.git"))).toBe(false);
    expect(snapshot(join(cwd, "app"))).toEqual(complete);
    // and the git it started is gone (or a zombie waiting to be reaped), so nothing writes a .git later
    const pid = readFileSync(pidFile, "utf8").trim();
    const running = () => existsSync(`/proc/${pid}`) && !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    for (let i = 0; i < 50 && running(); i++) await sleep(20);
    expect(running()).toBe(false);
  });
});

describe("interruptions", () => {
  const complete = snapshot(join(repo, "examples/domains"));
  // SIGKILL cannot be handled; SIGINT and SIGTERM at any moment must leave nothing or the whole project
  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s at a random moment leaves nothing or the whole project",
    async (signal) => {
      for (let i = 0; i < 12; i++) {
        const cwd = tempDir();
        const child = execa(
          process.execPath,
          [cliPath, "domains", "--template", "domains", "--name", "domains-starter", "--yes", "--no-git"],
          {
            cwd,
            reject: false,
          },
        );
        await sleep(60 + Math.random() * 300);
        child.kill(signal);
        const r = await child;
        // killed before its handlers were installed (Node still starting), or handled: exit 128 + signal
        if (r.exitCode === undefined) expect(r.signal).toBe(signal);
        else expect([0, signal === "SIGINT" ? 130 : 143], outputOf(r)).toContain(r.exitCode);
        const left = readdirSync(cwd);
        if (left.length === 0) continue;
        expect(left).toEqual(["domains"]);
        expect(snapshot(join(cwd, "domains"))).toEqual(complete);
      }
    },
    60_000,
  );

  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s at a random moment while writing into an existing folder leaves it as it was, or with the whole project",
    async (signal) => {
      const args = ["proj", "--template", "domains", "--force", "--yes", "--no-git"];
      const { snapshot: complete } = await reference(
        args.filter((a) => a !== "--force"),
        "proj",
      );
      for (let i = 0; i < 12; i++) {
        const cwd = tempDir();
        mkdirSync(join(cwd, "proj"));
        writeFileSync(join(cwd, "proj/keep.txt"), "mine");
        const inode = statSync(join(cwd, "proj")).ino;
        const child = execa(process.execPath, [cliPath, ...args], { cwd, reject: false });
        await sleep(60 + Math.random() * 300);
        child.kill(signal);
        const r = await child;
        if (r.exitCode === undefined) expect(r.signal).toBe(signal);
        else expect([0, signal === "SIGINT" ? 130 : 143], outputOf(r)).toContain(r.exitCode);
        expect(statSync(join(cwd, "proj")).ino).toBe(inode);
        expect(staging(join(cwd, "proj"))).toEqual([]);
        const left = snapshot(join(cwd, "proj"));
        if (Object.keys(left).length > 1) expect(left).toEqual({ ...complete, "keep.txt": "mine" });
        else expect(left).toEqual({ "keep.txt": "mine" });
      }
    },
    60_000,
  );
});

describe("generated names", () => {
  // names from the characters that matter: letters, digits, separators, case, spaces, unicode, quotes, shell and template syntax
  const nameChars = fc.constantFrom(..."abcxyzAZ019-_ .é\"'\\$%{}/\n\t".split(""));
  const names = fc.oneof(
    fc.string({ unit: nameChars, maxLength: 12 }),
    fc.string({ maxLength: 12 }),
    // mostly plausible names, so that many are accepted too
    fc.stringMatching(/^[A-Za-z][a-zA-Z0-9 _-]{0,10}$/),
    fc.constantFrom("let", "unix", "eio", "domain", "a".repeat(70)),
  );

  it("a refused name writes nothing; an accepted one writes a project named after it", async () => {
    const accepted: string[] = [];
    await fc.assert(
      fc.asyncProperty(names, async (raw) => {
        const cwd = tempDir("cop-name-");
        const request = { directory: "app", template: "domains", name: raw, git: false, cwd };
        if (nameProblem(normaliseName(raw), dependencyNames())) {
          await expect(create(request)).rejects.toBeInstanceOf(CreateError);
          expect(readdirSync(cwd)).toEqual([]);
        } else {
          const result = await create(request);
          expect(result.package).toBe(normaliseName(raw));
          expect(existsSync(join(cwd, "app", `${result.package}.opam`))).toBe(true);
          accepted.push(result.package);
        }
      }),
      { numRuns: 150 },
    );
    expect(accepted.length).toBeGreaterThan(10);
  });

  it("every accepted name yields OCaml the compiler parses, dune files dune reads, and an opam file that lints", async () => {
    const root = forkyRoot();
    const [outside, inside] = forkyWorkDir(root, "names-");
    const samples = fc
      .sample(fc.stringMatching(/^[a-z][a-z0-9]{0,5}([-_][a-z0-9]{1,4}){0,3}$/), 25)
      .filter((n) => !nameProblem(n, dependencyNames()));
    const unique = [...new Set(samples)];
    for (const name of unique) await create({ directory: join(outside, name), template: "domains", name, git: false });
    const check = await inForky(
      [
        `cd ${inside}`,
        "for p in */; do cd $p",
        `  for f in $(find . -name '*.ml' -o -name '*.mli'); do ocamlfind ocamlopt -stop-after parsing -c "$f" -o /tmp/x || exit 1; done`,
        `  for f in dune-project $(find . -name dune); do dune format-dune-file "$f" > /dev/null || exit 2; done`,
        "  opam lint --short *.opam || exit 3",
        "  cd ..; done; echo checked $(ls | wc -l)",
      ].join("\n"),
    );
    expect(check.exitCode, check.all).toBe(0);
    expect(check.all).toContain(`checked ${unique.length}`);
  }, 300_000);

  it("any author text lands quoted: dune reads dune-project and writes the same .opam", async () => {
    const root = forkyRoot();
    const [outside, inside] = forkyWorkDir(root, "authors-");
    const authors = fc.sample(
      fc.string({
        unit: fc.oneof(
          fc.constantFrom(..."\"'\\$%{}()<>@;`\n\t#|&*[]~!".split("")),
          fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
          fc.constantFrom("é", "漢", "🐫"),
        ),
        maxLength: 40,
      }),
      12,
    );
    for (const [i, author] of authors.entries()) {
      const request = { directory: join(outside, `p${i}`), template: "domains", name: `p${i}`, author: author, git: false };
      // only texts with nothing printable are refused
      if (oneLine(author) === "") await expect(create(request)).rejects.toThrow(/--author is empty/);
      else await create(request);
    }
    const written = authors.flatMap((_, i) => (existsSync(join(outside, `p${i}`)) ? [i] : []));
    expect(written.length).toBeGreaterThan(0);
    const opams = new Map(written.map((i) => [i, readFileSync(join(outside, `p${i}`, `p${i}.opam`), "utf8")]));
    const r = await inForky(
      `cd ${inside} && for p in p*; do (cd $p && dune build ./$p.opam 2>&1 && opam lint --short $p.opam) || exit 1; done`,
    );
    expect(r.exitCode, r.all).toBe(0);
    for (const [i, opam] of opams)
      expect(readFileSync(join(outside, `p${i}`, `p${i}.opam`), "utf8"), JSON.stringify(authors[i])).toBe(opam);
  }, 300_000);
});
