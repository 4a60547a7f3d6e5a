/** The built CLI as a child process, without a terminal: flags, messages, exit codes, what is on disk. */
import { chmodSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { loadCatalog, runCommand } from "../src/catalog/catalog.js";
import { cliPath, exists, outputOf, repo, runCli, snapshot, tempDir, tree } from "./helpers/cli.js";

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

  it("--list shows every template under its kind, with its summary, OCaml floor and system needs, in 80 columns", async () => {
    const r = await runCli(["--list"]);
    expect(r.exitCode, outputOf(r)).toBe(0);
    const out = String(r.stdout);
    for (const line of out.split("\n")) expect([...line].length, line).toBeLessThanOrEqual(80);
    // a template's entry: its first line, and the lines under it (indented further), joined
    const entries = out.split(/\n(?! {4})/).map((e) => e.replace(/\n +/g, " "));
    const headings = out.split("\n").filter((l) => /^\S/.test(l));
    for (const m of catalog) {
      const entry = entries.find((e) => e.startsWith(`  ${m.name} `));
      expect(entry, m.name).toContain(m.summary);
      expect(entry).toContain(`OCaml ≥ ${m.ocaml}`);
      // under its kind's heading
      const heading = headings.filter((h) => /^[A-Z].*\(/.test(h) && out.indexOf(h) < out.indexOf(`  ${m.name} `)).at(-1);
      expect(heading, m.name).toContain(`(${m.kind})`);
    }
  });

  it("--list shows each variant under its template", async () => {
    const r = await runCli(["--list"]);
    const joined = String(r.stdout).replace(/\n +/g, " ");
    for (const m of catalog)
      for (const [i, v] of (m.variants ?? []).entries())
        expect(joined).toContain(`--variant ${v.name}${i === 0 ? " (default)" : ""}: ${v.summary}`);
  });

  it("--help, add --help and --list --all fit 80 columns; --help names every template", async () => {
    const help = String((await runCli(["--help"])).stdout);
    for (const line of help.split("\n")) expect([...line].length, line).toBeLessThanOrEqual(80);
    const named = help.slice(help.indexOf("Templates:"), help.indexOf("\n\n", help.indexOf("Templates:"))).replace(/\s+/g, " ");
    for (const m of catalog) expect(named).toMatch(new RegExp(`[ ,]${m.name}(,|$)`));
    const all = String((await runCli(["--list", "--all"])).stdout);
    for (const line of all.split("\n")) expect([...line].length, line).toBeLessThanOrEqual(80);
    const add = String((await runCli(["add", "--help"])).stdout);
    for (const line of add.split("\n")) expect([...line].length, line).toBeLessThanOrEqual(80);
  });

  it("--list --json gives the manifests, with the command that runs each starter", async () => {
    const r = await runCli(["--list", "--json"]);
    expect(JSON.parse(String(r.stdout))).toEqual(catalog.map((m) => ({ ...m, runCommand: runCommand(m) })));
  });

  it("--help lists every exit code the CLI uses, and the README lists the same", async () => {
    const help = String((await runCli(["--help"])).stdout);
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    const readmeCodes = readme.slice(readme.indexOf("Exit codes:"), readme.indexOf("\n\n", readme.indexOf("Exit codes:")));
    for (const code of [0, 1, 2, 129, 130, 143]) {
      expect(help.slice(help.indexOf("Exit codes:"))).toMatch(new RegExp(`\\b${code}\\b`));
      expect(readmeCodes).toContain(`\`${code}\``);
    }
  });

  it.each([
    ["LANG=C", { LANG: "C" }],
    ["LC_ALL=C over a UTF-8 LANG", { LANG: "en_US.UTF-8", LC_ALL: "C" }],
    ["no locale at all (C)", {}],
  ])("under %s, --list and --list --all print ASCII", async (_, env) => {
    for (const args of [["--list"], ["--list", "--all"]]) {
      const r = await runCli(args, { env: { LANG: undefined, LC_ALL: undefined, LC_CTYPE: undefined, ...env }, extendEnv: false });
      expect(r.exitCode, outputOf(r)).toBe(0);
      expect(r.stdout).toMatch(/^[\x00-\x7f]*$/);
    }
    const r = await runCli(["--list"], { env: { LANG: undefined, LC_ALL: undefined, LC_CTYPE: undefined, ...env }, extendEnv: false });
    expect(r.stdout).toContain("OCaml >= 5.0");
  });

  it("under a UTF-8 locale (LC_CTYPE before LANG), they print ≥ and →", async () => {
    const env = { LANG: "C", LC_ALL: undefined, LC_CTYPE: "C.UTF-8" };
    expect((await runCli(["--list"], { env, extendEnv: false })).stdout).toContain("OCaml ≥ 5.0");
    expect((await runCli(["--list", "--all"], { env, extendEnv: false })).stdout).toContain("→ --template domains");
  });
});

describe("a closed or full standard output", () => {
  /** The CLI with its stdout a pipe whose reader has already gone, as in `create-ocaml-parallel --help | true`. */
  const intoClosedPipe = (args: string[], cwd = tempDir()) =>
    execa("bash", ["-c", `{ sleep 0.3; exec "$@"; } | true; exit "\${PIPESTATUS[0]}"`, "bash", process.execPath, cliPath, ...args], {
      cwd,
      reject: false,
    });

  it.each([[["--help"]], [["--list", "--json"]], [["--list", "--all"]]])("%j | true: exit 0, no stack trace", async (args) => {
    const r = await intoClosedPipe(args);
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("writing a project with | true: exit 0, no trace, the project written", async () => {
    const cwd = tempDir();
    const r = await intoClosedPipe(["app", "-t", "domains", "--yes", "--no-git"], cwd);
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(r.stderr).toBe("");
    expect(exists(join(cwd, "app/app.opam"))).toBe(true);
  });

  it("> /dev/full: one line on stderr, exit 1, the project kept whole", async () => {
    const [cwd, reference] = [tempDir(), tempDir()];
    const args = ["app", "-t", "domains", "--yes", "--no-git"];
    const r = await execa("bash", ["-c", 'exec "$@" > /dev/full', "bash", process.execPath, cliPath, ...args], { cwd, reject: false });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toBe("create-ocaml-parallel: writing to standard output failed: no space left on the device (ENOSPC)");
    expect((await runCli(args, { cwd: reference })).exitCode).toBe(0);
    expect(snapshot(join(cwd, "app"))).toEqual(snapshot(join(reference, "app")));
  });
});

describe("an old Node", () => {
  it("gets a message, not a crash, before anything loads", async () => {
    // Node 20 pretending to be 18: the check reads process.versions before importing the bundle
    const preload = join(tempDir(), "old-node.cjs");
    writeFileSync(
      preload,
      'Object.defineProperty(process, "versions", { value: { ...process.versions, node: "18.19.0" } });\nObject.defineProperty(process, "version", { value: "v18.19.0" });\n',
    );
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
    // what was done, then the one recipe (here: the PATH of the test, whatever it has)
    expect(r.stdout).toMatch(/Wrote the domains project my-app \(\d+ files\)/);
    expect(r.stdout).toContain("  AGENTS.md: the same commands, for coding agents");
    expect(r.stdout).toContain("  git init: a new repository, nothing committed yet");
    expect(r.stdout).toMatch(/opam (install \.|switch create \.) .*--deps-only --with-test|\n {2}dune build\n/);
    expect(tree(join(cwd, "my-app"))).toEqual(
      expect.arrayContaining([
        "dune-project",
        "my-app.opam",
        "bin/main.ml",
        "lib/dune",
        "test/test_my_app.ml",
        ".gitignore",
        ".ocamlformat",
        ".github/workflows/ci.yml",
        "README.md",
      ]),
    );
    expect(exists(join(cwd, "my-app/.git"))).toBe(true);
    // nothing else appeared beside it (the staging folder is gone)
    expect(tree(cwd).filter((f) => !f.startsWith("my-app/"))).toEqual([]);
  });

  it("without git on the PATH: the project is written, and the summary says no repository was made", async () => {
    const cwd = tempDir();
    const path = tempDir();
    // a PATH with node alone
    symlinkSync(process.execPath, join(path, "node"));
    const r = await execa(process.execPath, [cliPath, "app", "-t", "domains", "--yes"], {
      cwd,
      reject: false,
      env: { ...process.env, PATH: path },
    });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(r.stdout).toContain("git was not found, so no repository was made");
    expect(exists(join(cwd, "app/dune-project"))).toBe(true);
    expect(exists(join(cwd, "app/.git"))).toBe(false);
  });

  it("without opam, Next: fits dune's version, asked of dune once per binary and asked again when dune changes", async () => {
    const [bin, cache, calls] = [tempDir(), tempDir(), join(tempDir(), "calls")];
    symlinkSync(process.execPath, join(bin, "node"));
    // a dune that counts how often it is asked
    const dune = (version: string) => writeFileSync(join(bin, "dune"), `#!/bin/sh\necho x >> ${calls}\necho ${version}\n`, { mode: 0o755 });
    const next = async () => {
      const r = await execa(process.execPath, [cliPath, join(tempDir(), "app"), "-t", "domains", "--yes", "--no-git"], {
        reject: false,
        env: { PATH: bin, XDG_CACHE_HOME: cache, HOME: tempDir() },
      });
      expect(r.exitCode, outputOf(r)).toBe(0);
      return { stdout: r.stdout, asked: exists(calls) ? readFileSync(calls, "utf8").split("\n").length - 1 : 0 };
    };
    dune("3.20.2");
    const first = await next();
    expect(first.asked).toBe(1);
    expect(first.stdout).toMatch(/^\s+dune build$/m);
    expect(await next()).toEqual({ stdout: expect.stringMatching(/^\s+dune build$/m), asked: 1 });
    // another dune (another size and time): asked again, and the older one gets opam's recipe
    dune("2.9.30");
    const older = await next();
    expect(older.asked).toBe(2);
    expect(older.stdout).toContain("opam exec -- dune build");
  });

  it("keeps V8's compiled code of the bundle between runs, and runs whatever the kept file holds", async () => {
    const cache = tempDir();
    const kept = join(cache, "create-ocaml-parallel/cli.v8-code");
    const run = async (env: Record<string, string> = {}) => {
      const r = await runCli([join(tempDir(), "app"), "-t", "domains", "--yes", "--no-git"], { env: { XDG_CACHE_HOME: cache, ...env } });
      expect(r.exitCode, outputOf(r)).toBe(0);
      expect(r.stdout).toMatch(/^Wrote the domains project app/);
      return String(r.stdout);
    };
    const first = await run();
    const written = readFileSync(kept);
    const writtenAt = statSync(kept).mtimeMs;
    // for this bundle file on this Node, kept by a run that rendered a project, then V8's code
    expect(written.toString("utf8", 0, written.indexOf(10))).toMatch(/\/dist\/cli\.cjs \d+ \d+ [\d.]+ v\d+\.\d+\.\d+ \w+ rendered$/);
    expect(written.length).toBeGreaterThan(50_000);
    // taken as it is: the same run, the file left alone
    expect((await run()).replace(/\/tmp\/\S+/g, "")).toBe(first.replace(/\/tmp\/\S+/g, ""));
    expect(readFileSync(kept).equals(written)).toBe(true);
    expect(statSync(kept).mtimeMs).toBe(writtenAt);
    // damaged under the right key: V8 refuses it, the run goes on and keeps a good one
    writeFileSync(kept, Buffer.concat([written.subarray(0, written.indexOf(10) + 1), Buffer.from("not V8's code")]));
    await run();
    expect(readFileSync(kept).length).toBeGreaterThan(50_000);
    // for another bundle (another key): replaced
    writeFileSync(kept, `/elsewhere/dist/cli.cjs 1 2 3 v20.0.0 x64 rendered\n${"x".repeat(100)}`);
    await run();
    const key = written.subarray(0, written.indexOf(10) + 1);
    expect(readFileSync(kept).subarray(0, key.length).equals(key)).toBe(true);
    // a run that renders nothing keeps its code only where there is none, and the next run that
    // renders a project replaces it (it lacks the rendering); a rendering run's stays
    const help = async () => expect((await runCli(["--help"], { env: { XDG_CACHE_HOME: cache } })).exitCode).toBe(0);
    const header = () => readFileSync(kept).toString("utf8", 0, readFileSync(kept).indexOf(10));
    const renderedAt = statSync(kept).mtimeMs;
    await help();
    expect(statSync(kept).mtimeMs).toBe(renderedAt);
    rmSync(kept);
    await help();
    expect(header()).toMatch(/ other$/);
    const helpCode = readFileSync(kept).length;
    await help();
    expect(readFileSync(kept).length).toBe(helpCode);
    await run();
    expect(header()).toMatch(/ rendered$/);
    expect(readFileSync(kept).length).toBeGreaterThan(helpCode);
    // a cache folder that cannot be made, and Node's switch to turn compile caches off: nothing kept, nothing lost
    await run({ XDG_CACHE_HOME: join(kept, "not-a-folder") });
    const off = tempDir();
    await run({ XDG_CACHE_HOME: off, NODE_DISABLE_COMPILE_CACHE: "1" });
    expect(exists(join(off, "create-ocaml-parallel/cli.v8-code"))).toBe(false);
  });

  it("takes the template as the second argument, and absolute directories", async () => {
    const cwd = tempDir();
    const r = await runCli([join(cwd, "deep/er/Project Two"), "domains", "--yes", "--no-git"], { cwd: tempDir() });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(exists(join(cwd, "deep/er/Project Two/project-two.opam"))).toBe(true);
    expect(exists(join(cwd, "deep/er/Project Two/.git"))).toBe(false);
  });

  it("writes into an existing empty directory, '.' included, which stays the same folder with the same mode", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "empty-one"));
    chmodSync(join(cwd, "empty-one"), 0o751);
    const before = statSync(join(cwd, "empty-one"));
    const r = await runCli([".", "domains", "--yes"], { cwd: join(cwd, "empty-one") });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(exists(join(cwd, "empty-one/empty-one.opam"))).toBe(true);
    expect(r.stdout).not.toContain("cd ");
    // not replaced: a shell in it is still in it
    const after = statSync(join(cwd, "empty-one"));
    expect([after.ino, after.mode & 0o7777]).toEqual([before.ino, 0o751]);
    // no staging folder left, inside or beside
    expect(readdirSync(cwd)).toEqual(["empty-one"]);
    expect(readdirSync(join(cwd, "empty-one")).filter((f) => f.includes("create-ocaml-parallel"))).toEqual([]);
  });

  it.each([
    [0o022, 0o755],
    [0o027, 0o750],
  ])("a new project folder gets the mode the umask %o gives (%o), as mkdir would", async (umask, mode) => {
    const cwd = tempDir();
    const r = await execa(
      "sh",
      ["-c", `umask ${umask.toString(8)} && exec "$@"`, "sh", process.execPath, cliPath, "app", "-t", "domains", "--yes", "--no-git"],
      { cwd, reject: false },
    );
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(statSync(join(cwd, "app")).mode & 0o777).toBe(mode);
    expect(statSync(join(cwd, "app/lib")).mode & 0o777).toBe(mode);
  });

  it.each([["x$(touch pwned)"], ["it's `touch pwned`"], ["nl\nx"], ["./-dash"], ["sp ace;touch pwned"], ["é\\$HOME"]])(
    "the printed cd line for %j, run by sh, enters the project and runs nothing",
    async (directory) => {
      const cwd = tempDir();
      const r = await runCli([directory, "-t", "domains", "--name", "safe", "--yes", "--no-git"], { cwd });
      expect(r.exitCode, outputOf(r)).toBe(0);
      const out = String(r.stdout);
      // the first command under "Next:", with the lines a newline in the name continues it on
      const [first, ...rest] = out.slice(out.indexOf("Next:\n") + "Next:\n".length).split("\n");
      const cd = [
        first,
        ...rest.slice(
          0,
          rest.findIndex((l) => l.startsWith("  ")),
        ),
      ]
        .join("\n")
        .replace(/^ {2}/, "");
      expect(cd).toMatch(/^cd /);
      const pwd = await execa("sh", ["-c", `${cd} && pwd -P`], { cwd });
      expect(pwd.stdout).toBe(realpathSync(join(cwd, directory)));
      expect(readdirSync(cwd)).toEqual([directory.replace(/^\.\//, "")]);
    },
  );

  it.each([
    ["domains", "--variant", "domainslib", "--author", "Zoë O'Neil <z@example.com>"],
    ["compare", "--approaches", "parmap,threads"],
    ["eio"],
  ])("the README's command makes the same project again: %s", async (template, ...flags) => {
    const cwd = tempDir();
    const r = await runCli(["first", "--template", template, ...flags, "--name", "my-proj", "--yes", "--no-git"], { cwd });
    expect(r.exitCode, outputOf(r)).toBe(0);
    const readme = readFileSync(join(cwd, "first/README.md"), "utf8");
    const command = /```sh\n(npm create ocaml-parallel@[\d.]+ -- .*)\n```/.exec(readme)![1];
    expect(
      command.startsWith(`npm create ocaml-parallel@${JSON.parse(readFileSync(join(repo, "package.json"), "utf8")).version} -- `),
    ).toBe(true);
    // the words as sh reads them, given to this CLI in another folder
    const words = (await execa("sh", ["-c", `printf '%s\\n' ${command.split(" -- ")[1]}`])).stdout.split("\n");
    const again = await runCli([...words, "--no-git"], { cwd: tempDir() });
    expect(again.exitCode, outputOf(again)).toBe(0);
    const made = join(String(again.stdout).match(/ to (\S+)\n/)![1]);
    expect(snapshot(made)).toEqual(snapshot(join(cwd, "first")));
    // AGENTS.md records it too
    expect(readFileSync(join(made, "AGENTS.md"), "utf8")).toContain(`This project was made by \`${command}\`.`);
  });

  it.each([
    ["domains", "5.1.1", /\n {2}opam install \. --deps-only --with-test\n/],
    ["domains", "system 5.4.1", /\n {2}opam install \. --deps-only --with-test\n/],
    ["eio", "5.1.1", /\n {2}opam switch create \. ocaml\.[\d.]+ --deps-only --with-test --yes\n/],
    ["domains", undefined, /\n {2}opam switch create \. ocaml\.[\d.]+ --deps-only --with-test --yes\n/],
  ])("Next: with opam ready: %s, the current switch's OCaml %s (from opam's files)", async (template, ocaml, next) => {
    // an opam that answers nothing (Next: never runs it), and a root as opam init and opam switch create leave it
    const bin = tempDir("cop-bin-");
    writeFileSync(join(bin, "opam"), "#!/bin/sh\nexit 1\n");
    chmodSync(join(bin, "opam"), 0o755);
    const root = tempDir("cop-opamroot-");
    writeFileSync(join(root, "config"), 'opam-version: "2.0"\nrepositories: "default"\ninstalled-switches: "main"\nswitch: "main"\n');
    if (ocaml) {
      mkdirSync(join(root, "main/.opam-switch"), { recursive: true });
      // as opam switch create main 5.1.1 leaves it; and main ocaml-system, which installs no ocaml package
      const [, system, version] = /^(system )?(.*)$/.exec(ocaml)!;
      const installed = system ? [`ocaml-system.${version}`] : [`ocaml.${version}`, `ocaml-base-compiler.${version}`, "ocaml-config.3"];
      writeFileSync(
        join(root, "main/.opam-switch/switch-state"),
        `opam-version: "2.0"\ncompiler: ["${installed.find((p) => /-(base-compiler|system)\./.test(p))}"]\ninstalled: [${installed.map((p) => `"${p}"`).join(" ")}]\n`,
      );
    }
    const cwd = tempDir();
    const r = await runCli(["app", "--template", template, "--yes", "--no-git"], {
      cwd,
      env: { PATH: `${bin}:/usr/bin:/bin`, OPAMROOT: root },
    });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(String(r.stdout)).toMatch(next);
    expect(String(r.stdout)).not.toContain("opam init");
  });

  it('expands a leading ~ that the shell left alone (a quoted "~/app")', async () => {
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
    expect(result).toMatchObject({
      ok: true,
      package: "collatz",
      library: "collatz",
      module: "Collatz",
      template: "domains",
      dryRun: false,
    });
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

  it("--force refuses a symbolic link where the project has a folder: nothing lands where it points", async () => {
    const cwd = tempDir();
    const elsewhere = tempDir("cop-elsewhere-");
    mkdirSync(join(cwd, "proj"));
    writeFileSync(join(cwd, "proj/notes.txt"), "mine");
    symlinkSync(elsewhere, join(cwd, "proj/lib"));
    const r = await runCli(["proj", "-t", "domains", "--force", "--no-git"], { cwd });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toMatch(/--force keeps your files, and these are in the way: lib \(a symbolic link\)\..*nothing was written/);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(readdirSync(join(cwd, "proj")).sort()).toEqual(["lib", "notes.txt"]);
  });

  it("--force with a file where the project has a folder lists it as a conflict", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "proj"));
    writeFileSync(join(cwd, "proj/lib"), "mine");
    const r = await runCli(["proj", "-t", "domains", "--force", "--no-git"], { cwd });
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toMatch(/these are in the way: lib \(a file where the project has a folder\)\..*nothing was written/);
    expect(r.stderr).not.toContain("EEXIST");
    expect(readdirSync(join(cwd, "proj"))).toEqual(["lib"]);
    expect(readFileSync(join(cwd, "proj/lib"), "utf8")).toBe("mine");
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
  it("an unknown option, listing the valid ones", () =>
    refuse(["app", "--templte", "domains"], /unknown option --templte\. Valid options: .*--template/));
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
    const r = await refuse(
      ["full", "-t", "domains", "--force"],
      /these are in the way: README\.md, dune-project\..*nothing was written/,
      (cwd) => {
        mkdirSync(join(cwd, "full"));
        writeFileSync(join(cwd, "full/README.md"), "mine");
        writeFileSync(join(cwd, "full/dune-project"), "mine");
      },
    );
    expect(r.stderr).not.toContain("lib/");
  });
  it("a target that is a file", () =>
    refuse(["afile", "-t", "domains"], /exists and is not a directory/, (cwd) => writeFileSync(join(cwd, "afile"), "x")));
  it("a target below a file", () =>
    refuse(["afile/sub", "-t", "domains"], /afile is a file/, (cwd) => writeFileSync(join(cwd, "afile"), "x")));
  it("a dangling symlink as target", () =>
    refuse(["link", "-t", "domains"], /link is a symbolic link to nothing/, (cwd) => symlinkSync(join(cwd, "nowhere"), join(cwd, "link"))));

  it("an empty directory", () => refuse(["", "-t", "domains"], /the project directory is empty/));
  it("an empty name", () => refuse(["app", "-t", "domains", "--name", "   "], /the project name is empty/));
  it("--switch with a mode other than local or current", () =>
    refuse(["app", "-t", "domains", "--build", "--switch", "global"], /--switch takes local or current, not "global"/));
  it("--switch without --build", () => refuse(["app", "-t", "domains", "--switch", "local"], /--switch goes with --build or --run/));
  it("--ocaml without --build, or with the current switch", async () => {
    await refuse(
      ["app", "-t", "domains", "--ocaml", "5.3.0"],
      /--ocaml names the compiler of a new local switch: it goes with --build --switch local/,
    );
    await refuse(["app", "-t", "domains", "--build", "--switch", "current", "--ocaml", "5.3.0"], /it goes with --build --switch local/);
  });
  it("--ocaml below the template's floor, or not a version", async () => {
    await refuse(
      ["app", "-t", "eio", "--build", "--switch", "local", "--ocaml", "5.1.1"],
      /--ocaml 5\.1\.1 is older than 5\.2, which the eio template needs/,
    );
    await refuse(
      ["app", "-t", "domains", "--build", "--switch", "local", "--ocaml", "latest"],
      /--ocaml takes a version such as 5\.3\.0, not "latest"/,
    );
  });
  it("--ocaml that is not a release opam knows: refused before anything is written", async () => {
    await refuse(
      ["app", "-t", "domains", "--build", "--switch", "local", "--ocaml", "5.4"],
      /--ocaml takes a whole release: 5\.4 has 5\.4\.0, 5\.4\.1/,
    );
    await refuse(
      ["app", "-t", "domains", "--build", "--switch", "local", "--ocaml", "99.0.0"],
      /--ocaml 99\.0\.0 is not an OCaml release opam knew of on \d{4}-\d\d-\d\d \(the newest: [\d.]+\)/,
    );
  });
  it("--dry-run with --build", () =>
    refuse(["app", "-t", "domains", "--dry-run", "--build"], /--dry-run writes nothing, so there is nothing to --build/));
  it.each([
    [["--template", "eio", "--template", "lwt"], "template"],
    [["-t", "eio", "--template", "lwt"], "template"],
    [["-t", "eio", "--name", "a", "--name=b"], "name"],
  ])("an option given twice: %j", async (args, flag) => {
    await refuse(["app", ...args], new RegExp(`^create-ocaml-parallel: --${flag} was given more than once; give it once$`));
  });
  it("a variant's id as a template: the flags that say it", () =>
    refuse(
      ["app", "-t", "domains-domainslib"],
      /"domains-domainslib" is the domains template's domainslib variant: pass --template domains --variant domainslib/,
    ));
  it("a near miss of a variant's id: the flags that say it", () =>
    refuse(["app", "-t", "domains-domainslb"], /Did you mean --template domains --variant domainslib\?/));
  it.each([[["--list", "foo"]], [["--list", "--template", "eio"]], [["--list", "--all", "x"]]])(
    "%j: --list takes nothing else",
    async (args) => {
      await refuse(args, /--list takes only --all and --json, not: /);
    },
  );

  it("--json reports a refusal as JSON too", async () => {
    const r = await refuse(["app", "-t", "nope", "--json"], /unknown template/);
    expect(JSON.parse(String(r.stdout))).toMatchObject({ ok: false, exitCode: 1 });
  });
});
