/**
 * Nothing the user types or does corrupts their disk: a full disk, a read-only
 * file system, interruptions at any moment, and generated names and texts.
 */
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { dependencyNames, loadCatalog } from "../src/catalog.js";
import { CreateError } from "../src/errors.js";
import { create } from "../src/index.js";
import { nameProblem, normaliseName, oneLine } from "../src/names.js";
import { cliPath, outputOf, repo, runCli, snapshot, tempDir, tree } from "./helpers/cli.js";
import { forkyRoot, forkyWorkDir, inForky, removeForkyWorkDirs } from "./helpers/forky.js";
import { execa } from "execa";

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

  it("a full disk with a parent to create: the parent it made is removed too", async () => {
    const disk = tmpfs("size=48k");
    const r = await runCli(["new/parent/app", "-t", "domains", "--yes", "--no-git"], { cwd: disk });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(readdirSync(disk)).toEqual([]);
  });
});

describe("interruptions", () => {
  const complete = snapshot(join(repo, "examples/domains"));
  // SIGKILL cannot be handled; SIGINT and SIGTERM at any moment must leave nothing or the whole project
  it.each(["SIGINT", "SIGTERM"] as const)("%s at a random moment leaves nothing or the whole project", async (signal) => {
    for (let i = 0; i < 12; i++) {
      const cwd = tempDir();
      const child = execa(process.execPath, [cliPath, "domains", "--template", "domains", "--name", "domains-starter", "--yes", "--no-git"], {
        cwd,
        reject: false,
      });
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
  }, 60_000);
});

describe("generated names", () => {
  const catalog = loadCatalog();
  const domains = catalog.find((m) => m.name === "domains")!;
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
    const samples = fc.sample(fc.stringMatching(/^[a-z][a-z0-9]{0,5}([-_][a-z0-9]{1,4}){0,3}$/), 25).filter((n) => !nameProblem(n, dependencyNames()));
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
    const authors = fc.sample(fc.string({ unit: fc.oneof(fc.constantFrom(..."\"'\\$%{}()<>@;`\n\t#|&*[]~!".split("")), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), fc.constantFrom("é", "漢", "🐫")), maxLength: 40 }), 12);
    for (const [i, author] of authors.entries()) {
      const request = { directory: join(outside, `p${i}`), template: "domains", name: `p${i}`, author: author, git: false };
      // only texts with nothing printable are refused
      if (oneLine(author) === "") await expect(create(request)).rejects.toThrow(/--author is empty/);
      else await create(request);
    }
    const written = authors.flatMap((_, i) => (existsSync(join(outside, `p${i}`)) ? [i] : []));
    expect(written.length).toBeGreaterThan(0);
    const opams = new Map(written.map((i) => [i, readFileSync(join(outside, `p${i}`, `p${i}.opam`), "utf8")]));
    const r = await inForky(`cd ${inside} && for p in p*; do (cd $p && dune build ./$p.opam 2>&1 && opam lint --short $p.opam) || exit 1; done`);
    expect(r.exitCode, r.all).toBe(0);
    for (const [i, opam] of opams) expect(readFileSync(join(outside, `p${i}`, `p${i}.opam`), "utf8"), JSON.stringify(authors[i])).toBe(opam);
  }, 300_000);
});
