/**
 * A project generated inside another dune project or workspace builds on its
 * own there, with the real dune: dune takes the outermost dune-workspace above
 * it (else the outermost dune-project) as its root, and would otherwise build
 * the new project as part of the outer one, failing on the outer one's files.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exists, outputOf, runCli } from "./helpers/cli.js";
import { forkyRoot, forkyWorkDir, inForky, removeForkyWorkDirs } from "./helpers/forky.js";

afterAll(removeForkyWorkDirs);

const root = forkyRoot();

/** An outer project whose own dune file does not parse: building as part of it fails. */
function outer(dir: string, rootFile: "dune-project" | "dune-workspace") {
  mkdirSync(join(dir, "outer/sub"), { recursive: true });
  writeFileSync(join(dir, "outer", rootFile), "(lang dune 3.11)\n");
  writeFileSync(join(dir, "outer/dune"), "(rule (oops\n");
}

const generate = (dir: string, ...extra: string[]) => runCli([join(dir, "outer/sub/app"), "-t", "domains", "--yes", "--no-git", ...extra]);

describe("inside another dune project", () => {
  it("outer dune-project: a dune-workspace file makes the project its own root; it says so", async () => {
    const [outside, inside] = forkyWorkDir(root, "nested-project-");
    outer(outside, "dune-project");
    const r = await generate(outside);
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(r.stdout).toContain(
      `${outside}/outer is a dune project: the dune-workspace file written here makes dune build this one on its own.`,
    );
    expect(r.stdout).toMatch(/Next:\n(.*\n)* {2}opam exec -- dune build\n/);
    const app = `${inside}/outer/sub/app`;
    const built = await inForky(`cd ${app} && dune build 2>&1 && dune test 2>&1`);
    expect(built.exitCode, built.all).toBe(0);
    expect(built.all).not.toContain("Entering directory");
    // without that file, dune builds it as part of the outer project, and fails there
    rmSync(join(outside, "outer/sub/app/dune-workspace"));
    rmSync(join(outside, "outer/sub/app/_build"), { recursive: true });
    const without = await inForky(`cd ${app} && dune build 2>&1`);
    expect(without.exitCode, without.all).not.toBe(0);
    expect(without.all).toContain(`Entering directory '${inside}/outer'`);
  }, 600_000);

  it("outer dune-workspace: the commands it prints give dune --root ., and build; plain dune would not", async () => {
    const [outside, inside] = forkyWorkDir(root, "nested-workspace-");
    outer(outside, "dune-workspace");
    const r = await generate(outside, "--json");
    expect(r.exitCode, outputOf(r)).toBe(0);
    const result = JSON.parse(String(r.stdout));
    expect(result.notes).toEqual([
      `${outside}/outer has a dune-workspace, so dune would build this project as part of that workspace: run dune here with --root . (the commands below do).`,
    ]);
    const dune = (result.next as string[]).map((c) => c.replace(/^opam exec -- /, "")).filter((c) => c.startsWith("dune "));
    expect(dune).toEqual(["dune build --root .", "dune test --root .", "dune exec --root . ./bin/main.exe --"]);
    const app = `${inside}/outer/sub/app`;
    const built = await inForky(`cd ${app} && ${dune.join(" 2>&1 && ")} -n 10000 2>&1`);
    expect(built.exitCode, built.all).toBe(0);
    expect(built.all).toContain("results agree: yes");
    const plain = await inForky(`cd ${app} && dune build 2>&1`);
    expect(plain.exitCode, plain.all).not.toBe(0);
    expect(plain.all).toContain(`Entering directory '${inside}/outer'`);
  }, 600_000);

  it("elsewhere: no dune-workspace file, no note", async () => {
    const [outside] = forkyWorkDir(root, "nested-none-");
    const r = await runCli([join(outside, "app"), "-t", "domains", "--yes", "--no-git", "--json"]);
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(JSON.parse(String(r.stdout)).notes).toEqual([]);
    expect(exists(join(outside, "app/dune-workspace"))).toBe(false);
  });
});
