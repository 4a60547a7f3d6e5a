/**
 * `add` without a compiler: the command's changes, refusals, dry run, JSON,
 * names and interruptions on projects written here. The edits themselves are
 * tested in dune-project/opam-file/unified-diff.test.ts; test/add-e2e.test.ts
 * builds real projects with the real dune; add-terminal.test.ts drives its prompts.
 */

import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { placementProblem, scanProject } from "../src/dune/scan.js";
import { explainFsError } from "../src/errors.js";
import { cliPath, exists, outputOf, runCli, snapshot, tempDir } from "./helpers/cli.js";
import { DUNE_INIT, project } from "./helpers/projects.js";

const add = (cwd: string, ...args: string[]) => runCli(["add", ...args], { cwd });

describe("create-ocaml-parallel add", () => {
  it("adds eio: its folder, the dependency in dune-project and in the .opam dune regenerates, and says it all", async () => {
    const dir = project();
    const before = snapshot(dir);
    const r = await add(join(dir, "lib"), "eio");
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(r.stdout).toContain(`dune project: ${dir}; it is the dune root`);
    expect(r.stdout).toContain("library foo_eio (module Foo_eio), starter foo-eio, test test_foo_eio");
    expect(r.stdout).toContain("ocaml is in depends already as ocaml, left as it is; eio asks for (ocaml (>= 5.2))");
    // run from lib/: "Next:" starts with the cd that makes its commands work
    expect(r.stdout).toMatch(
      /Next:\n {2}cd \.\.\n {2}opam install \. --deps-only --with-test\n[\s\S]* {2}dune exec \.\/parallel\/eio\/bin\/main\.exe --/,
    );
    const after = snapshot(dir);
    const added = Object.keys(after).filter((f) => !(f in before));
    expect(added.every((f) => f.startsWith("parallel/eio/"))).toBe(true);
    expect(added).toContain("parallel/eio/test/test_foo_eio.ml");
    expect(after["parallel/eio/bin/dune"]).toBe("(executable\n (public_name foo-eio)\n (name main)\n (libraries foo_eio eio_main))\n");
    expect(after["parallel/eio/bin/main.ml"]).toContain("open Foo_eio");
    expect(after["dune-project"]).toBe(DUNE_INIT.replace(" (depends ocaml)", " (depends\n  ocaml\n  (eio_main\n   (>= 1.3)))"));
    expect(after["foo.opam"]).toBe(before["foo.opam"].replace('  "ocaml"\n', '  "ocaml"\n  "eio_main" {>= "1.3"}\n'));
    for (const f of Object.keys(before)) if (f !== "dune-project" && f !== "foo.opam") expect(after[f]).toBe(before[f]);
    // no staging folder is left
    expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("--dry-run prints the unified diff of every change and writes nothing; --json says the same for machines", async () => {
    const dir = project();
    const before = snapshot(dir);
    const r = await add(dir, "domains", "--variant", "domainslib", "--dry-run");
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(r.stdout).toContain("--- a/dune-project\n+++ b/dune-project\n@@ -19,7 +19,10 @@");
    expect(r.stdout).toContain("- (depends ocaml)\n+ (depends\n+  ocaml\n+  (domainslib\n+   (>= 0.5.1)))");
    expect(r.stdout).toContain("--- /dev/null\n+++ b/parallel/domains-domainslib/lib/dune");
    expect(r.stdout).toContain("Dry run:");
    expect(snapshot(dir)).toEqual(before);
    const j = await add(dir, "domains", "--variant", "domainslib", "--dry-run", "--json");
    expect(j.exitCode, outputOf(j)).toBe(0);
    const result = JSON.parse(String(j.stdout));
    expect(result).toMatchObject({
      ok: true,
      template: "domains",
      variant: "domainslib",
      package: "foo",
      directory: "parallel/domains-domainslib",
      library: "foo_domains_domainslib",
      publicName: "foo-domains-domainslib",
      edited: ["dune-project", "foo.opam"],
      dryRun: true,
    });
    expect(result.dependencies.added).toEqual(["(domainslib (>= 0.5.1))"]);
    expect(result.diff).toContain("+++ b/parallel/domains-domainslib/bin/main.ml");
    expect(snapshot(dir)).toEqual(before);
  });

  it("a project whose .ocamlformat pins another ocamlformat: the approach's .ocamlformat names the project's, and says so", async () => {
    const dir = project({ ".ocamlformat": "profile = conventional\nversion = 0.27.0\n" });
    const r = await add(dir, "domains");
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(readFileSync(join(dir, "parallel/domains/.ocamlformat"), "utf8")).toBe("profile = default\nversion = 0.27.0\n");
    expect(r.stdout).toContain("the project's .ocamlformat pins ocamlformat 0.27.0: parallel/domains/.ocamlformat names it too");
    // the project's own is left as it was
    expect(readFileSync(join(dir, ".ocamlformat"), "utf8")).toBe("profile = conventional\nversion = 0.27.0\n");
  });

  it("a project whose own library has the name of one the approach's dependencies bring (base, for async): refused, nothing written", async () => {
    const dir = project({ "lib/dune": "(library\n (name base))\n" });
    const before = snapshot(dir);
    const r = await add(dir, "async");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      "the project has a library base (lib/dune), and async's dependencies bring one of that name: dune would find two",
    );
    expect(snapshot(dir)).toEqual(before);
    // an approach whose dependencies have no base is added
    expect((await add(dir, "domains")).exitCode).toBe(0);
  });

  it("a symbolic link on the way to the approach's folder: refused, nothing written there or in the project", async () => {
    for (const link of ["parallel", "parallel/eio"]) {
      const dir = project();
      const outside = tempDir("cop-outside-");
      mkdirSync(join(dir, link, ".."), { recursive: true });
      symlinkSync(outside, join(dir, link));
      const files = ["dune-project", "foo.opam"].map((f) => readFileSync(join(dir, f), "utf8"));
      const entries = readdirSync(dir).sort();
      const r = await add(dir, "eio");
      expect(r.exitCode, outputOf(r)).toBe(1);
      expect(r.stderr).toContain(`${link} is a symbolic link, so parallel/eio would not be inside the project`);
      expect(readdirSync(outside)).toEqual([]);
      expect(["dune-project", "foo.opam"].map((f) => readFileSync(join(dir, f), "utf8"))).toEqual(files);
      expect(readdirSync(dir).sort()).toEqual(entries);
    }
  });

  it("names that clash are not used: the next free ones are, and the message says what took them", async () => {
    const dir = project({
      "extra/dune":
        "(library\n (name foo_eio)\n (public_name foo.eio))\n(executable\n (name x)\n (public_name foo-eio-2)\n (libraries foo_eio_3))\n",
    });
    const r = await add(dir, "eio", "--json");
    expect(r.exitCode, outputOf(r)).toBe(0);
    const result = JSON.parse(String(r.stdout));
    expect(result).toMatchObject({ library: "foo_eio_4", publicName: "foo-eio-4", module: "Foo_eio_4" });
    expect(result.clashes).toEqual([
      "the library foo_eio (extra/dune)",
      "the module Foo_eio (extra/dune)",
      "the public name foo-eio-2 (extra/dune)",
      "foo_eio_3, a library the project uses (extra/dune)",
    ]);
    expect(readFileSync(join(dir, "parallel/eio/lib/dune"), "utf8")).toContain("(name foo_eio_4)");
  });

  it("a project of several packages: --package is required without a terminal, and its stanzas get (package ...)", async () => {
    const two = DUNE_INIT.replace("; See", "(package\n (name bar)\n (depends lwt))\n\n; See");
    const dir = project({ "dune-project": two });
    const before = snapshot(dir);
    const r = await add(dir, "lwt");
    expect(r.exitCode, outputOf(r)).toBe(1);
    expect(r.stderr).toContain("the project has several packages (foo, bar): pass --package NAME");
    expect(r.stderr).toContain("(lwt (>= 5.7.0))");
    expect(snapshot(dir)).toEqual(before);
    const bad = await add(dir, "lwt", "--package", "baz");
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('the project has no package "baz"; its packages: foo, bar');
    const ok = await add(dir, "lwt", "--package", "bar", "--json");
    expect(ok.exitCode, outputOf(ok)).toBe(0);
    // lwt was there: kept, its constraint reported
    expect(JSON.parse(String(ok.stdout)).dependencies.kept).toEqual([{ name: "lwt", theirs: "lwt", ours: "(lwt (>= 5.7.0))" }]);
    expect(readFileSync(join(dir, "dune-project"), "utf8")).toBe(
      two.replace(" (depends lwt))", " (depends\n  lwt\n  (ocaml\n   (>= 4.11))))"),
    );
    for (const f of ["lib", "bin", "test"]) expect(readFileSync(join(dir, `parallel/lwt/${f}/dune`), "utf8")).toContain(" (package bar)");
  });

  it("a hand-written .opam (no generate_opam_files) gets the dependencies, in its own layout", async () => {
    const opam = `opam-version: "2.0"\nname: "foo"\n# what it needs\ndepends: [ "ocaml" {>= "5.1"}   "dune" {>= "3.0"} ]\nbuild: [["dune" "build" "-p" name "-j" jobs]]\n`;
    const dir = project({ "dune-project": "(lang dune 3.0)\n", "foo.opam": opam });
    const r = await add(dir, "parmap");
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(readFileSync(join(dir, "foo.opam"), "utf8")).toBe(
      opam.replace('"dune" {>= "3.0"} ]', '"dune" {>= "3.0"} "parmap" {>= "1.2.5"} ]'),
    );
    expect(readFileSync(join(dir, "dune-project"), "utf8")).toBe("(lang dune 3.0)\n");
    expect(r.stdout).toContain('ocaml is in depends already as "ocaml" {>= "5.1"}, left as it is; parmap asks for "ocaml" {>= "4.11"}');
  });

  it("refuses, writing nothing, with what to do: no project, compare, no template, a taken folder, odd --dir, include_subdirs, an unsafe file", async () => {
    const empty = tempDir();
    const r = await add(empty, "eio");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("no dune project here: neither");
    expect(readdirSync(empty)).toEqual([]);

    const dir = project();
    const before = snapshot(dir);
    const refused = async (args: string[], message: string | RegExp) => {
      const res = await add(dir, ...args);
      expect(res.exitCode, outputOf(res)).toBe(1);
      expect(res.stderr).toMatch(message);
      expect(snapshot(dir)).toEqual(before);
    };
    await refused(["compare"], "the compare template cannot be added to a project: it is a project of its own");
    await refused(
      [],
      /no template given: pass one, e\.g\. add eio\. Those that can be added: async, ctypes, domains, eio, .*\(compare cannot/,
    );
    await refused(["eio", "--dir", "_x"], '"_x" cannot be a folder of it: dune skips folders starting with "." or "_"');
    await refused(["eio", "--dir", "../out"], "is not a folder inside the project");
    await refused(["eio", "--dir", "bin"], "bin exists already");
    await refused(["domain"], 'unknown template "domain". Did you mean "domains"?');
    await refused(["eio", "--variant", "x"], "the eio template has no variants");
    await refused(["eio", "--bogus"], "unknown option --bogus for add");
    // read as create reads its flags (one parser): every spelling counts, and -- ends the options
    await refused(["eio", "--dir", "a", "--dir=b"], "--dir was given more than once; give it once");
    await refused(["-t", "eio", "--template", "lwt"], "--template was given more than once; give it once");
    await refused(["eio", "--package"], "--package needs a value");

    // refused in a project of these files, which stay as they were
    const refusedIn = async (files: Record<string, string>, message: string) => {
      const other = project(files);
      const otherBefore = snapshot(other);
      const res = await add(other, "eio");
      expect(res.exitCode, outputOf(res)).toBe(1);
      expect(res.stderr).toContain(message);
      expect(snapshot(other)).toEqual(otherBefore);
    };
    await refusedIn({ dune: "(include_subdirs unqualified)\n" }, "dune has (include_subdirs unqualified)");
    await refusedIn({ dune: "(dirs bin lib test)\n" }, "dune has (dirs ...) without parallel");
    await refusedIn(
      { "dune-project": DUNE_INIT.replace(" (depends ocaml)", " (depends\n  (ocaml (< 5.0)))") },
      "package foo depends on (ocaml (< 5.0)), and eio needs (ocaml (>= 5.2)): no version of ocaml is allowed by both, so opam could never install the project. Nothing was written.",
    );
    await refusedIn(
      { "dune-project": DUNE_INIT.replace(" (depends ocaml)", " (depends ocaml)\n (depends dune)") },
      "dune-project cannot be edited safely: package foo has (depends ...) more than once. Nothing was written. Add by hand, to the (depends ...) of package foo in dune-project (leaving out any already there):\n  (ocaml (>= 5.2))\n  (eio_main (>= 1.3))\nthen run this command again",
    );
  });

  it("a folder dune would not build or test is refused, whichever dune file above says so: dirs (globs, \\), data_only_dirs, vendored_dirs, subdir, include_subdirs", () => {
    const cases: [Record<string, string>, string | undefined][] = [
      [{ dune: "(dirs bin lib test)\n" }, "dune has (dirs ...) without parallel"],
      [{ dune: "(dirs :standard \\ parallel)\n" }, "dune has (dirs ...) without parallel"],
      [{ dune: "(dirs (:standard \\ par*))\n" }, "dune has (dirs ...) without parallel"],
      [{ dune: "(dirs :standard \\ {x,parallel})\n" }, "dune has (dirs ...) without parallel"],
      [{ dune: "(dirs bin lib test par?llel)\n" }, undefined],
      [{ dune: "(dirs :standard \\ parallel_*)\n" }, undefined],
      [{ dune: "(data_only_dirs para*)\n" }, "dune has (data_only_dirs ... parallel ...), so dune would not build parallel"],
      [
        { dune: "(vendored_dirs parallel)\n" },
        "dune has (vendored_dirs ... parallel ...): dune builds in a vendored folder only what is installed or used elsewhere, and runs no test",
      ],
      [{ "parallel/dune": "(vendored_dirs eio)\n" }, "parallel/dune has (vendored_dirs ... eio ...)"],
      [{ dune: "(subdir parallel (dirs other))\n" }, "parallel/dune or the (subdir ...) in dune has (dirs ...) without eio"],
      [{ dune: "(subdir parallel (subdir eio (include_subdirs qualified)))\n" }, undefined],
      [{ "x/dune": "(subdir ../parallel (dirs))\n" }, undefined],
      [{ dune: "(subdir parallel (data_only_dirs eio))\n" }, "(data_only_dirs ... eio ...)"],
      [{ dune: "(subdir parallel (vendored_dirs eio))\n" }, "(vendored_dirs ... eio ...)"],
      [
        { dune: "(subdir parallel (include_subdirs unqualified))\n" },
        "(include_subdirs unqualified), so dune would take the new folder's dune files as part of parallel",
      ],
      [{ dune: "(include_subdirs no)\n(data_only_dirs node_modules)\n" }, undefined],
    ];
    for (const [files, expected] of cases) {
      const dir = project(files);
      const problem = placementProblem(scanProject(dir), "parallel/eio");
      if (expected === undefined) expect(problem, JSON.stringify(files)).toBeUndefined();
      else expect(problem, JSON.stringify(files)).toContain(expected);
    }
  });

  it("keeps what the project's files are: CRLF lines stay CRLF; the mode and (run by root) the owner of a replaced file stay", async () => {
    const crlf = (text: string) => text.replace(/\n/g, "\r\n");
    const dir = project();
    for (const f of ["dune-project", "foo.opam"]) writeFileSync(join(dir, f), crlf(readFileSync(join(dir, f), "utf8")));
    chmodSync(join(dir, "dune-project"), 0o640);
    const root = process.getuid?.() === 0;
    if (root) chownSync(join(dir, "foo.opam"), 4321, 4322);
    const r = await add(dir, "eio");
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(readFileSync(join(dir, "dune-project"), "utf8")).toBe(
      crlf(DUNE_INIT.replace(" (depends ocaml)", " (depends\n  ocaml\n  (eio_main\n   (>= 1.3)))")),
    );
    expect(readFileSync(join(dir, "foo.opam"), "utf8")).toContain('  "ocaml"\r\n  "eio_main" {>= "1.3"}\r\n');
    expect(statSync(join(dir, "dune-project")).mode & 0o777).toBe(0o640);
    if (root) expect([statSync(join(dir, "foo.opam")).uid, statSync(join(dir, "foo.opam")).gid]).toEqual([4321, 4322]);
  });

  it("refuses, writing nothing: a read-only dune-project, a dune language below 3.0, what dune would refuse (#| |#); --into '~/x' is the home folder's x", async () => {
    const readOnly = project();
    chmodSync(join(readOnly, "dune-project"), 0o444);
    const before = snapshot(readOnly);
    let r = await add(readOnly, "eio");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("dune-project is read-only (mode 444): make it writable (chmod u+w dune-project) and run this again, or");
    expect(r.stderr).toContain("(eio_main (>= 1.3))");
    expect(snapshot(readOnly)).toEqual(before);
    for (const [text, message] of [
      [
        "(lang dune 2.9)\n(package (name foo))\n",
        "says (lang dune 2.9), and the approach's dune files are written for the dune 3.0 language or newer. Nothing was written. Upgrade the project first: make its first line (lang dune 3.0)",
      ],
      [
        "(lang dune 3.11)\n#| old |#\n(package (name foo))\n",
        "cannot be read: #| where dune expects a (field ...) (dune 3 has no #| |# or #; comments) at line 2",
      ],
      [
        "(lang dune 3.11)\n(package (name foo)\n #;(depends lwt)\n (depends ocaml))\n",
        "cannot be read: # where dune expects a (field ...)",
      ],
    ]) {
      const dir = project({ "dune-project": text });
      const b = snapshot(dir);
      r = await add(dir, "eio");
      expect(r.exitCode, text).toBe(1);
      expect(r.stderr, text).toContain(message);
      expect(snapshot(dir)).toEqual(b);
    }
    const home = tempDir("cop-home-");
    const dir = project();
    renameSync(dir, join(home, "proj"));
    r = await runCli(["add", "eio", "--into", "~/proj", "--dry-run", "--json"], { cwd: tempDir(), env: { HOME: home } });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(JSON.parse(String(r.stdout)).project).toBe(join(home, "proj"));
  });

  it("a move across file systems (EXDEV) is said in words", () => {
    const error = Object.assign(new Error("EXDEV: cross-device link not permitted, rename 'a' -> 'b'"), { code: "EXDEV" });
    expect(String((explainFsError(error, "adding parallel/eio") as Error).message)).toBe(
      "adding parallel/eio failed: a folder on the way is on another file system (a mount point), and a file cannot be moved across file systems in one step, as writing all or nothing needs (EXDEV); nothing was written",
    );
  });

  it("finds the project as dune finds its root: the outermost dune-project above; --into points at one", async () => {
    const outer = project();
    const inner = join(outer, "vendor/inner");
    mkdirSync(inner, { recursive: true });
    writeFileSync(join(inner, "dune-project"), "(lang dune 3.11)\n(generate_opam_files)\n(package (name inner))\n");
    const r = await add(join(outer, "bin"), "threads", "--dry-run");
    expect(r.stdout).toContain(`dune project: ${outer}; it is the dune root`);
    const i = await add(tempDir(), "threads", "--into", inner, "--json", "--dry-run");
    expect(i.exitCode, outputOf(i)).toBe(0);
    expect(JSON.parse(String(i.stdout))).toMatchObject({ root: outer, project: inner, package: "inner" });
  });

  it("two adds at once into one project: each is whole, or refused with nothing written; dune-project and the .opam agree", async () => {
    for (let i = 0; i < 12; i++) {
      const dir = project();
      const [eio, lwt] = await Promise.all([add(dir, "eio"), add(dir, "lwt")]);
      const dune = readFileSync(join(dir, "dune-project"), "utf8");
      const opam = readFileSync(join(dir, "foo.opam"), "utf8");
      for (const [r, name, dep] of [
        [eio, "eio", "eio_main"],
        [lwt, "lwt", "lwt"],
      ] as const) {
        expect([0, 1], outputOf(r)).toContain(r.exitCode);
        if (r.exitCode === 1) expect(r.stderr).toMatch(/changed while the approach was being added|another add is writing into/);
        // what it added is all there, in both files; what it refused left nothing
        expect(exists(join(dir, `parallel/${name}`)), name).toBe(r.exitCode === 0);
        expect(dune.includes(`(${dep}\n`), `${name} in dune-project`).toBe(r.exitCode === 0);
        expect(opam.includes(`"${dep}" {`), `${name} in foo.opam`).toBe(r.exitCode === 0);
      }
      expect([eio.exitCode, lwt.exitCode], "one of them at least").toContain(0);
      expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
    }
  }, 120_000);

  // SIGKILL cannot be handled; SIGINT and SIGTERM at any moment leave the project as it was, or with the whole approach
  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s at a random moment leaves the project as it was, or with the whole approach",
    async (signal) => {
      const reference = project();
      expect((await add(reference, "eio")).exitCode).toBe(0);
      const complete = snapshot(reference);
      // a whole run takes about 100 ms, Node's start included: the signals land before, during and after the writes
      for (let i = 0; i < 16; i++) {
        const dir = project();
        const before = snapshot(dir);
        const child = execa(process.execPath, [cliPath, "add", "eio"], { cwd: dir, reject: false });
        await sleep(30 + Math.random() * 100);
        child.kill(signal);
        const r = await child;
        if (r.exitCode === undefined) expect(r.signal).toBe(signal);
        else expect([0, signal === "SIGINT" ? 130 : 143], outputOf(r)).toContain(r.exitCode);
        const left = snapshot(dir);
        expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
        if (exists(join(dir, "parallel"))) expect(left).toEqual(complete);
        else expect(left).toEqual(before);
      }
    },
    60_000,
  );
});
