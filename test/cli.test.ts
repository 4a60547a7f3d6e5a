/** The built CLI as a child process, without a terminal: flags, messages, exit codes, what is on disk. */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalog, runCommand } from "../src/catalog.js";
import { execa } from "execa";
import { cliPath, exists, outputOf, runCli, tempDir, tree } from "./helpers/cli.js";

const catalog = loadCatalog();

describe("information", () => {
  it("--help documents every flag", async () => {
    const r = await runCli(["--help"]);
    expect(r.exitCode, outputOf(r)).toBe(0);
    for (const flag of ["--template", "--list", "--name", "--author", "--yes", "--force", "--no-git", "--dry-run", "--json", "--version"])
      expect(r.stdout).toContain(flag);
  });

  it("--version prints package.json's version", async () => {
    const r = await runCli(["-v"]);
    expect(r.stdout).toBe(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version);
  });

  it("--list shows every template with its summary, OCaml floor and kind", async () => {
    const r = await runCli(["--list"]);
    expect(r.exitCode, outputOf(r)).toBe(0);
    const lines = String(r.stdout).split("\n").filter((l) => !l.startsWith(" "));
    expect(lines).toHaveLength(catalog.length);
    for (const m of catalog) {
      const line = lines.find((l) => l.startsWith(`${m.name} `));
      expect(line, m.name).toContain(m.summary);
      expect(line).toContain(`OCaml ≥ ${m.ocaml}`);
      expect(line).toContain(m.kind);
    }
  });

  it("--list shows each variant under its template", async () => {
    const r = await runCli(["--list"]);
    for (const m of catalog)
      for (const [i, v] of (m.variants ?? []).entries())
        expect(r.stdout).toContain(`--variant ${v.name}${i === 0 ? " (default)" : ""}: ${v.summary}`);
  });

  it("--list --json gives the manifests, with the command that runs each starter", async () => {
    const r = await runCli(["--list", "--json"]);
    expect(JSON.parse(String(r.stdout))).toEqual(catalog.map((m) => ({ ...m, runCommand: runCommand(m) })));
  });
});

describe("an old Node", () => {
  it("gets a message, not a crash, before anything loads", async () => {
    // Node 20 pretending to be 18: the check reads process.versions before importing the bundle
    const preload = join(tempDir(), "old-node.cjs");
    writeFileSync(preload, 'Object.defineProperty(process, "versions", { value: { ...process.versions, node: "18.19.0" } });\nObject.defineProperty(process, "version", { value: "v18.19.0" });\n');
    const r = await execa(process.execPath, ["--require", preload, cliPath, "app", "-t", "domains"], { reject: false, cwd: tempDir() });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toBe("create-ocaml-parallel needs Node.js 20.5 or newer; this is v18.19.0.");
  });
});

describe("writing a project", () => {
  it("writes the project non-interactively and prints the next commands", async () => {
    const cwd = tempDir();
    const r = await runCli(["my-app", "--template", "domains", "--yes"], { cwd });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(r.stdout).toContain("cd my-app");
    expect(r.stdout).toContain("opam install . --deps-only --with-test");
    expect(tree(join(cwd, "my-app"))).toEqual(
      expect.arrayContaining(["dune-project", "my-app.opam", "bin/main.ml", "lib/dune", "test/test_my_app.ml", ".gitignore", ".ocamlformat", ".github/workflows/ci.yml", "README.md"]),
    );
    expect(exists(join(cwd, "my-app/.git"))).toBe(true);
    // nothing else appeared beside it (the staging folder is gone)
    expect(tree(cwd).filter((f) => !f.startsWith("my-app/"))).toEqual([]);
  });

  it("takes the template as the second argument, and absolute directories", async () => {
    const cwd = tempDir();
    const r = await runCli([join(cwd, "deep/er/Project Two"), "domains", "--yes", "--no-git"], { cwd: tempDir() });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(exists(join(cwd, "deep/er/Project Two/project-two.opam"))).toBe(true);
    expect(exists(join(cwd, "deep/er/Project Two/.git"))).toBe(false);
  });

  it("writes into an existing empty directory, '.' included", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "empty-one"));
    const r = await runCli([".", "domains", "--yes"], { cwd: join(cwd, "empty-one") });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(exists(join(cwd, "empty-one/empty-one.opam"))).toBe(true);
    expect(r.stdout).not.toContain("cd ");
  });

  it("expands a leading ~ that the shell left alone (a quoted \"~/app\")", async () => {
    const home = tempDir("cop-home-");
    const cwd = tempDir();
    const r = await runCli(["~/app", "domains", "--yes", "--no-git"], { cwd, env: { HOME: home } });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(exists(join(home, "app/app.opam"))).toBe(true);
    expect(tree(cwd)).toEqual([]);
  });

  it("follows a symbolic link to an empty directory", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "real"));
    symlinkSync(join(cwd, "real"), join(cwd, "link"));
    const r = await runCli(["link", "domains", "--yes", "--no-git", "--name", "linked"], { cwd });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(exists(join(cwd, "real/linked.opam"))).toBe(true);
  });

  it("--json reports the result on stdout", async () => {
    const cwd = tempDir();
    const r = await runCli(["app", "-t", "domains", "--json", "--name", "collatz"], { cwd });
    expect(r.exitCode, outputOf(r)).toBe(0);
    const result = JSON.parse(String(r.stdout));
    expect(result).toMatchObject({ ok: true, package: "collatz", library: "collatz", module: "Collatz", template: "domains", dryRun: false });
    expect(result.files).toContain("collatz.opam");
    expect(result.directory).toBe(join(cwd, "app"));
  });

  it("--dry-run lists the files and writes nothing", async () => {
    const cwd = tempDir();
    const r = await runCli(["my-app", "-t", "domains", "--dry-run"], { cwd });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(r.stdout).toContain("dry run, nothing written");
    expect(r.stdout).toContain("  my-app.opam");
    expect(tree(cwd)).toEqual([]);
  });

  it("--force adds the project beside the user's files and touches none of them", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "proj/notes"), { recursive: true });
    writeFileSync(join(cwd, "proj/notes/todo.txt"), "mine");
    writeFileSync(join(cwd, "proj/LICENSE"), "mine too");
    const r = await runCli(["proj", "-t", "domains", "--force", "--no-git"], { cwd });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(readFileSync(join(cwd, "proj/notes/todo.txt"), "utf8")).toBe("mine");
    expect(readFileSync(join(cwd, "proj/LICENSE"), "utf8")).toBe("mine too");
    expect(exists(join(cwd, "proj/proj.opam"))).toBe(true);
  });
});

describe("refusals: exit 1, a message saying what to do, nothing written", () => {
  const refuse = async (args: string[], message: RegExp, setup?: (cwd: string) => void) => {
    const cwd = tempDir();
    setup?.(cwd);
    const before = tree(cwd);
    const r = await runCli(args, { cwd });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(tree(cwd)).toEqual(before);
    return r;
  };

  it("an unknown template, with the closest name", () =>
    refuse(["app", "--template", "domain", "--yes"], /unknown template "domain"\. Did you mean "domains"\?/));
  it("an unknown option, listing the valid ones", () => refuse(["app", "--templte", "domains"], /unknown option --templte\. Valid options: .*--template/));
  it("no template without a terminal", () => refuse(["app"], /no template given: pass --template NAME, one of .*domains/));
  it("no directory without a terminal", () => refuse(["--template", "domains"], /no project directory given/));
  it("CI=true never prompts", async () => {
    const r = await refuse([], /no project directory given/);
    expect(r.stdout).toBe("");
  });
  it("an unknown variant, listing the valid ones", () =>
    refuse(["app", "-t", "domains", "--variant", "threads"], /no variant "threads"; its variants: stdlib, domainslib/));
  it("a variant without a template", () => refuse(["app", "--variant", "stdlib"], /--variant needs --template/));
  it("two different templates", () => refuse(["app", "domains", "--template", "eio"], /two templates given/));
  it("too many arguments", () => refuse(["app", "domains", "extra"], /too many arguments: extra/));
  it("a name that cannot be a module", () => refuse(["1app", "-t", "domains"], /must start with a letter.*--name/));
  it("an OCaml keyword", () => refuse(["app", "-t", "domains", "--name", "let"], /OCaml keyword/));
  it("a stdlib clash", () => refuse(["unix", "-t", "domains"], /clashes with a module/));
  it("a name that is a path", () => refuse(["app", "-t", "domains", "--name", "../x"], /is a path, not a name/));
  it("a non-empty directory without --force", () =>
    refuse(["full", "-t", "domains"], /full is not empty\. Choose another directory, or pass --force/, (cwd) => {
      mkdirSync(join(cwd, "full"));
      writeFileSync(join(cwd, "full/keep.txt"), "x");
    }));
  it("--force where a new file would replace one of the user's", async () => {
    const r = await refuse(["full", "-t", "domains", "--force"], /these would be replaced: README\.md, dune-project.*nothing was written/, (cwd) => {
      mkdirSync(join(cwd, "full"));
      writeFileSync(join(cwd, "full/README.md"), "mine");
      writeFileSync(join(cwd, "full/dune-project"), "mine");
    });
    expect(r.stderr).not.toContain("lib/");
  });
  it("a target that is a file", () => refuse(["afile", "-t", "domains"], /exists and is not a directory/, (cwd) => writeFileSync(join(cwd, "afile"), "x")));
  it("a target below a file", () => refuse(["afile/sub", "-t", "domains"], /afile is a file/, (cwd) => writeFileSync(join(cwd, "afile"), "x")));
  it("a dangling symlink as target", () =>
    refuse(["link", "-t", "domains"], /link is a symbolic link to nothing/, (cwd) => symlinkSync(join(cwd, "nowhere"), join(cwd, "link"))));

  it("--json reports a refusal as JSON too", async () => {
    const r = await refuse(["app", "-t", "nope", "--json"], /unknown template/);
    expect(JSON.parse(String(r.stdout))).toMatchObject({ ok: false, exitCode: 1 });
  });
});
