/**
 * `add` without a compiler: the s-expression and .opam edits (every other byte
 * unchanged, on odd inputs made by fast-check), the unified diff, and the
 * command's refusals, dry run, JSON, names and interruptions on projects
 * written here. test/add-e2e.test.ts builds real projects with the real dune.
 */
import fc from "fast-check";
import { execa } from "execa";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { OpamDependency } from "../src/catalog.js";
import { formatDune } from "../src/dune-format.js";
import { addDuneDependencies, duneDependency, readDuneProject, UnsafeEdit } from "../src/dune-project.js";
import { addOpamDependencies, opamDependency, readOpamDepends } from "../src/opam-file.js";
import { fieldsNamed, parseSexp, values } from "../src/sexp.js";
import { unifiedDiff } from "../src/unified-diff.js";
import { cliPath, exists, outputOf, runCli, snapshot, tempDir } from "./helpers/cli.js";
import { Terminal } from "./helpers/terminal.js";

/** Whether `after` is `before` with one piece of text inserted somewhere: every other byte unchanged. */
function isInsertion(before: string, after: string): boolean {
  if (after.length < before.length) return false;
  let prefix = 0;
  while (prefix < before.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  return prefix + suffix >= before.length;
}

/** The package names of package `pkg`'s depends, read back. */
function duneNames(text: string, pkg: string): string[] {
  const stanza = readDuneProject(text).packages.find((p) => p.name === pkg)!.stanza;
  const depends = fieldsNamed(stanza.items, "depends")[0];
  return depends ? values(depends.items).slice(1).map((n) => (n.kind === "list" ? (values(n.items)[0] as { text: string }).text : (n as { text: string }).text)) : [];
}

const dep = (name: string, constraints: string[] = [], test = false): OpamDependency => ({ name, constraints, ...(test ? { test } : {}) });
const EIO = [dep("ocaml", [">= 5.2"]), dep("eio_main", [">= 1.3"])];

// the dune-project `dune init proj` writes (dune 3.24), and what adding eio makes of it
const DUNE_INIT = `(lang dune 3.24)

(name foo)

(generate_opam_files true)

(source
 (github username/reponame))

(authors "Author Name <author@example.com>")

(maintainers "Maintainer Name <maintainer@example.com>")

(license LICENSE)

(documentation https://url/to/documentation)

(package
 (name foo)
 (synopsis "A short synopsis")
 (description "A longer description")
 (depends ocaml)
 (tags
  ("add topics" "to describe" your project)))

; See the complete stanza docs at https://dune.readthedocs.io/en/stable/reference/dune-project/index.html
`;

describe("dune-project: adding to a package's depends", () => {
  it("a stanza in dune's layout stays in dune's layout; nothing else changes", () => {
    const edit = addDuneDependencies(readDuneProject(DUNE_INIT), "foo", EIO);
    expect(edit.text).toBe(DUNE_INIT.replace(" (depends ocaml)", " (depends\n  ocaml\n  (eio_main\n   (>= 1.3)))"));
    expect(edit.added.map((d) => d.name)).toEqual(["eio_main"]);
    // present without a constraint: left as it is, and said
    expect(edit.kept).toEqual([{ name: "ocaml", theirs: "ocaml", ours: "(ocaml (>= 5.2))" }]);
    expect(edit.before).toEqual({ count: 1, names: ["ocaml"], last: ["ocaml"] });
  });

  it("an odd layout is kept: the entries go after the last one, indented as it is, after a trailing comment", () => {
    const text = `(lang dune 3.0) ; the version\n(package (name a)\n   (depends\n       lwt   ; the old one\n       (fmt (>= 0.9)) ; pretty printing\n   ))\n(package (name b) (depends x))\n`;
    const edit = addDuneDependencies(readDuneProject(text), "a", EIO);
    expect(edit.text).toBe(
      `(lang dune 3.0) ; the version\n(package (name a)\n   (depends\n       lwt   ; the old one\n       (fmt (>= 0.9)) ; pretty printing\n       (ocaml (>= 5.2))\n       (eio_main (>= 1.3))\n   ))\n(package (name b) (depends x))\n`,
    );
    const one = addDuneDependencies(readDuneProject(text), "b", EIO);
    expect(one.text).toBe(text.replace("(depends x))", "(depends x (ocaml (>= 5.2)) (eio_main (>= 1.3))))"));
  });

  it("a package without depends gets one; a dependency there already is left alone and a different constraint reported", () => {
    const text = "(lang dune 3.11)\n(package\n (name p)\n (synopsis \"x\"))\n";
    expect(addDuneDependencies(readDuneProject(text), "p", EIO).text).toBe(
      "(lang dune 3.11)\n(package\n (name p)\n (synopsis \"x\")\n (depends\n  (ocaml\n   (>= 5.2))\n  (eio_main\n   (>= 1.3))))\n",
    );
    const has = "(lang dune 3.11)\n(package (name p) (depends (ocaml (>= 5.2)) (eio_main   (>= 1.0))))\n";
    const edit = addDuneDependencies(readDuneProject(has), "p", EIO);
    expect(edit.text).toBe(has);
    expect(edit.added).toEqual([]);
    expect(edit.kept).toEqual([{ name: "eio_main", theirs: "(eio_main (>= 1.0))", ours: "(eio_main (>= 1.3))" }]);
  });

  it("what it cannot edit safely is refused, not guessed", () => {
    const twice = "(lang dune 3.11)\n(package (name p) (depends a) (depends b))\n";
    expect(() => addDuneDependencies(readDuneProject(twice), "p", EIO)).toThrow(UnsafeEdit);
    const string = '(lang dune 3.11)\n(package (name p) (depends "a"))\n';
    expect(() => addDuneDependencies(readDuneProject(string), "p", EIO)).toThrow(/does not read/);
    expect(() => addDuneDependencies(readDuneProject(twice), "q", EIO)).toThrow(/no \(package \(name q\)\)/);
  });

  it("reads dune's syntax: comments, block strings, escapes", () => {
    const text = `(lang dune 3.11)\n; a (comment "\n(package\n (name "p")\n (description\n  "\\| line (one\n  "\\| line ;two\n  )\n (depends "\\"" ))\n`;
    expect(readDuneProject(text).packages.map((p) => p.name)).toEqual(["p"]);
    expect(parseSexp(text).length).toBe(3);
    // a package without depends whose last field is on the line of a block string: the new field goes after it
    const block = '(lang dune 3.11)\n(package (name p) (description\n  "\\| b\n ))\n';
    expect(addDuneDependencies(readDuneProject(block), "p", [dep("x")]).text).toBe(block.replace(" ))", " ) (depends x))"));
    expect(() => parseSexp("(a (b)")).toThrow(/unclosed parenthesis at line 1/);
    expect(() => parseSexp("(a))")).toThrow(/unexpected \)/);
  });

  // the pieces of a dune-project, with every kind of spacing, comment and quoting dune reads
  const space = fc.constantFrom(" ", "  ", "\t", "\n", "\n\n", " \n   ", "\n\t ");
  const sep = fc.oneof(
    { weight: 4, arbitrary: space },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z ()"#|;]{0,12}$/).map((c) => ` ; ${c}\n`) },
  );
  const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
  const version = fc.stringMatching(/^[0-9]\.[0-9]{1,2}$/);
  const dependency = fc.oneof(
    name,
    fc.tuple(name, version).map(([n, v]) => `(${n} (>= ${v}))`),
    name.map((n) => `(${n} :with-test)`),
    fc.tuple(name, version, version).map(([n, a, b]) => `(${n} (and (>= ${a}) (< ${b})))`),
  );
  const joined = (items: fc.Arbitrary<string[]>) =>
    fc.tuple(items, fc.array(sep, { minLength: 20, maxLength: 20 })).map(([xs, seps]) => xs.map((x, k) => `${seps[k % seps.length]}${x}`).join(""));
  const str = fc.stringMatching(/^[a-z ();#|\\"]{0,12}$/).map((s) => `"${s.replace(/[\\"]/g, "\\$&")}"`);
  const pkg = (pkgName: string) =>
    fc
      .record({
        depends: fc.option(joined(fc.array(dependency, { maxLength: 5 })), { nil: undefined }),
        synopsis: str,
        s: fc.array(sep, { minLength: 6, maxLength: 6 }),
        dependsLast: fc.boolean(),
      })
      .map(({ depends, synopsis, s, dependsLast }) => {
        const fields = [`(name${s[0]}${pkgName})`, `(synopsis${s[1]}${synopsis})`];
        if (depends !== undefined) fields.splice(dependsLast ? 2 : 1, 0, `(depends${depends}${s[2]})`);
        return `(package${fields.map((f, k) => `${s[3 + (k % 3)]}${f}`).join("")}${s[5]})`;
      });
  const duneProject = fc
    .tuple(pkg("main_pkg"), pkg("other"), fc.array(sep, { minLength: 5, maxLength: 5 }), fc.boolean())
    .map(([a, b, s, aFirst]) => `(lang dune 3.11)${s[0]}(name x)${s[1]}(generate_opam_files true)${s[2]}${aFirst ? a : b}${s[3]}${aFirst ? b : a}${s[4]}`);
  const wanted = fc.array(fc.tuple(name, fc.array(version, { maxLength: 2 }), fc.boolean()), { minLength: 1, maxLength: 4 }).map((ds) =>
    ds.filter(([n], k) => ds.findIndex(([m]) => m === n) === k).map(([n, vs, test]) => dep(n, vs.map((v, k) => `${k ? "<" : ">="} ${v}`), test)),
  );

  it("on odd files: only the package's stanza changes, by one insertion (or dune's layout of it), and the new names are read back", () => {
    fc.assert(
      fc.property(duneProject, wanted, (text, deps) => {
        const project = readDuneProject(text);
        const stanza = project.packages.find((p) => p.name === "main_pkg")!.stanza;
        const before = duneNames(text, "main_pkg");
        const other = duneNames(text, "other");
        const edit = addDuneDependencies(project, "main_pkg", deps);
        // nothing outside the stanza changed
        expect(edit.text.slice(0, stanza.start)).toBe(text.slice(0, stanza.start));
        expect(edit.text.endsWith(text.slice(stanza.end))).toBe(true);
        const newStanza = edit.text.slice(stanza.start, edit.text.length - (text.length - stanza.end));
        const oldStanza = text.slice(stanza.start, stanza.end);
        if (!isInsertion(oldStanza, newStanza)) expect(formatDune(oldStanza)).toBe(`${oldStanza}\n`);
        // what was there stays; what was missing is added, once, with its constraints
        expect(edit.added.map((d) => d.name)).toEqual(deps.map((d) => d.name).filter((n) => !before.includes(n)));
        expect(duneNames(edit.text, "main_pkg")).toEqual([...before, ...edit.added.map((d) => d.name)]);
        expect(duneNames(edit.text, "other")).toEqual(other);
        for (const d of edit.added) expect(edit.text.replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")")).toContain(duneDependency(d));
      }),
      { numRuns: 400 },
    );
  });
});

describe(".opam: adding to depends", () => {
  it("inserts after the last entry, in the list's layout, keeping a trailing comment on its line", () => {
    const text = `opam-version: "2.0"\ndepends: [\n    "ocaml" {>= "4.14"} # the floor\n    "dune"\n] # end\nbuild: [["dune" "build"]]\n`;
    const edit = addOpamDependencies(text, EIO);
    expect(edit.text).toBe(text.replace('    "dune"\n', '    "dune"\n    "eio_main" {>= "1.3"}\n'));
    expect(edit.kept).toEqual([{ name: "ocaml", theirs: '"ocaml" {>= "4.14"}', ours: '"ocaml" {>= "5.2"}' }]);
    expect(addOpamDependencies('depends: ["a" "b"]\n', EIO).text).toBe('depends: ["a" "b" "ocaml" {>= "5.2"} "eio_main" {>= "1.3"}]\n');
    expect(addOpamDependencies("depends: []\n", [dep("x")]).text).toBe('depends: [ "x"]\n');
    expect(addOpamDependencies('opam-version: "2.0"', [dep("x")]).text).toBe('opam-version: "2.0"\ndepends: [\n  "x"\n]\n');
  });

  it("puts entries where dune writes them in a generated .opam: after the ones from dune-project, before odoc", () => {
    const text = `depends: [\n  "dune" {>= "3.24"}\n  "ocaml"\n  "odoc" {with-doc}\n]\n`;
    expect(addOpamDependencies(text, [dep("eio_main", [">= 1.3"])], 2).text).toBe(text.replace('  "ocaml"\n', '  "ocaml"\n  "eio_main" {>= "1.3"}\n'));
    expect(() => addOpamDependencies(text, [dep("x")], 9)).toThrow(/fewer than 9/);
  });

  it("reads formulas, filters, sections and comments; refuses what it cannot edit safely", () => {
    const text = `url { src: "x]" }\n(* depends: [ *)\ndepends: [ ("a" | "b" {>= "1"}) & "c" {with-test & os != "win32"} "d" ]\n`;
    expect(readOpamDepends(text)!.members.map((m) => m.names)).toEqual([["a", "b", "c"], ["d"]]);
    expect(() => readOpamDepends('depends: "a"\n')).toThrow(/not a \[ ... \] list/);
    expect(() => readOpamDepends("depends: [\ndepends: []\n")).toThrow(UnsafeEdit);
    expect(() => readOpamDepends('depends: ["a"]\ndepends: ["b"]\n')).toThrow(/more than once/);
    expect(() => readOpamDepends('depends: ["a" {>= "1"]\n')).toThrow(UnsafeEdit);
  });

  const space = fc.constantFrom(" ", "\n", "  ", "\n  ", "\n\n    ", "\t");
  const comment = fc.oneof(
    fc.stringMatching(/^[a-z "\[\]{}]{0,10}$/).map((c) => ` # ${c}\n`),
    fc.stringMatching(/^[a-z "\[\]{}#]{0,10}$/).map((c) => ` (* ${c} *) `),
  );
  const sep = fc.oneof({ weight: 4, arbitrary: space }, { weight: 1, arbitrary: comment });
  const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/);
  const str = fc.stringMatching(/^[a-z \]\[{}#"\\]{0,8}$/).map((s) => `"${s.replace(/[\\"]/g, "\\$&")}"`);
  const item = fc.oneof(
    name.map((n) => `"${n}"`),
    fc.tuple(name, fc.stringMatching(/^[0-9]\.[0-9]$/)).map(([n, v]) => `"${n}" {>= "${v}"}`),
    name.map((n) => `"${n}" {with-test}`),
    fc.tuple(name, name).map(([a, b]) => `("${a}" | "${b}")`),
  );
  const opamFile = fc
    .record({
      items: fc.array(fc.tuple(sep, item), { maxLength: 5 }),
      close: sep,
      seps: fc.array(sep, { minLength: 4, maxLength: 4 }),
      synopsis: str,
      has: fc.boolean(),
    })
    .map(({ items, close, seps, synopsis, has }) => {
      const depends = has ? `depends: [${items.map(([s, i]) => `${s}${i}`).join("")}${close}]` : "";
      return `opam-version: "2.0"${seps[0]}synopsis: ${synopsis}${seps[1]}${depends}${seps[2]}build: [["dune" "build" "-p" name]]${seps[3]}url {${seps[0]}src: ${synopsis} }\n`;
    });
  const names = (text: string) => readOpamDepends(text)?.members.flatMap((m) => m.names) ?? [];

  it("on odd files: one insertion, every other byte unchanged, and the new names are read back", () => {
    fc.assert(
      fc.property(opamFile, fc.uniqueArray(name, { minLength: 1, maxLength: 4 }), (text, wantedNames) => {
        const deps = wantedNames.map((n) => dep(n, [">= 1.0"]));
        const before = names(text);
        const edit = addOpamDependencies(text, deps);
        expect(isInsertion(text, edit.text)).toBe(true);
        expect(edit.added.map((d) => d.name)).toEqual(wantedNames.filter((n) => !before.includes(n)));
        expect(names(edit.text)).toEqual([...before, ...edit.added.map((d) => d.name)]);
        for (const d of edit.added) expect(edit.text).toContain(opamDependency(d));
      }),
      { numRuns: 400 },
    );
  });
});

describe("unified diff", () => {
  /** Applies a unified diff of one file, as patch would. */
  function apply(before: string, diff: string): string {
    const old = before === "" ? [] : before.replace(/\n$/, "").split("\n");
    const out: string[] = [];
    let at = 0;
    for (const hunk of diff.split(/^@@ /m).slice(1)) {
      const [, start] = /^-(\d+)/.exec(hunk)!;
      const from = Math.max(0, Number(start) - (hunk.startsWith("-0,0") ? 0 : 1));
      out.push(...old.slice(at, from));
      at = from;
      for (const line of hunk.split("\n").slice(1)) {
        if (line.startsWith("+")) out.push(line.slice(1));
        else if (line.startsWith("-")) at++;
        else if (line.startsWith(" ")) (out.push(line.slice(1)), at++);
      }
    }
    out.push(...old.slice(at));
    return out.length ? `${out.join("\n")}\n` : "";
  }
  const text = fc.array(fc.constantFrom("a", "b", "c", "(depends", "", " x"), { maxLength: 30 }).map((ls) => ls.map((l) => `${l}\n`).join(""));

  it("applied to the old text, gives the new one; hunks have 3 lines of context; equal files give nothing", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const diff = unifiedDiff("f", a, b);
        if (a === b) {
          expect(diff).toBe("");
          return;
        }
        expect(diff.startsWith("--- a/f\n+++ b/f\n@@ -")).toBe(true);
        expect(apply(a, diff)).toBe(b);
      }),
      { numRuns: 500 },
    );
    expect(unifiedDiff("n", undefined, "x\ny\n")).toBe("--- /dev/null\n+++ b/n\n@@ -0,0 +1,2 @@\n+x\n+y\n");
    expect(unifiedDiff("f", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n")).toBe("--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  });
});

// --- the command, on projects written here (no dune needed: nothing is built)

/** A small dune project: a library, an executable, a test. */
function project(files: Record<string, string> = {}): string {
  const dir = tempDir("cop-add-");
  const all: Record<string, string> = {
    "dune-project": DUNE_INIT,
    "foo.opam": `# This file is generated by dune, edit dune-project instead\nopam-version: "2.0"\ndepends: [\n  "dune" {>= "3.24"}\n  "ocaml"\n  "odoc" {with-doc}\n]\n`,
    "bin/dune": "(executable\n (public_name foo)\n (name main)\n (libraries foo))\n",
    "bin/main.ml": 'let () = print_endline "Hello, World!"\n',
    "lib/dune": "(library\n (name foo))\n",
    "test/dune": "(test\n (name test_foo)\n (libraries foo))\n",
    "test/test_foo.ml": "",
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

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
    expect(r.stdout).toContain("dune exec ./parallel/eio/bin/main.exe --");
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
    expect(result).toMatchObject({ ok: true, template: "domains", variant: "domainslib", package: "foo", directory: "parallel/domains-domainslib", library: "foo_domains_domainslib", publicName: "foo-domains-domainslib", edited: ["dune-project", "foo.opam"], dryRun: true });
    expect(result.dependencies.added).toEqual(["(domainslib (>= 0.5.1))"]);
    expect(result.diff).toContain("+++ b/parallel/domains-domainslib/bin/main.ml");
    expect(snapshot(dir)).toEqual(before);
  });

  it("names that clash are not used: the next free ones are, and the message says what took them", async () => {
    const dir = project({ "extra/dune": "(library\n (name foo_eio)\n (public_name foo.eio))\n(executable\n (name x)\n (public_name foo-eio-2)\n (libraries foo_eio_3))\n" });
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
    expect(readFileSync(join(dir, "dune-project"), "utf8")).toBe(two.replace(" (depends lwt))", " (depends\n  lwt\n  (ocaml\n   (>= 4.11))))"));
    for (const f of ["lib", "bin", "test"]) expect(readFileSync(join(dir, `parallel/lwt/${f}/dune`), "utf8")).toContain(" (package bar)");
  });

  it("a hand-written .opam (no generate_opam_files) gets the dependencies, in its own layout", async () => {
    const opam = `opam-version: "2.0"\nname: "foo"\n# what it needs\ndepends: [ "ocaml" {>= "5.1"}   "dune" {>= "3.0"} ]\nbuild: [["dune" "build" "-p" name "-j" jobs]]\n`;
    const dir = project({ "dune-project": "(lang dune 3.0)\n", "foo.opam": opam });
    const r = await add(dir, "parmap");
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(readFileSync(join(dir, "foo.opam"), "utf8")).toBe(opam.replace('"dune" {>= "3.0"} ]', '"dune" {>= "3.0"} "parmap" {>= "1.2.5"} ]'));
    expect(readFileSync(join(dir, "dune-project"), "utf8")).toBe("(lang dune 3.0)\n");
    expect(r.stdout).toContain('ocaml is in depends already as "ocaml" {>= "5.1"}, left as it is; parmap asks for "ocaml" {>= "4.11"}');
  });

  it("refuses, writing nothing, with what to do: no project, compare, no template, a taken folder, odd --dir, include_subdirs, an unsafe file", async () => {
    const empty = tempDir();
    let r = await add(empty, "eio");
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
    await refused([], /no template given: pass one, e\.g\. add eio\. Those that can be added: async, domains, eio, .*\(compare cannot/);
    await refused(["eio", "--dir", "_x"], '"_x" cannot be a folder of it: dune skips folders starting with "." or "_"');
    await refused(["eio", "--dir", "../out"], "is not a folder inside the project");
    await refused(["eio", "--dir", "bin"], "bin exists already");
    await refused(["domain"], 'unknown template "domain". Did you mean "domains"?');
    await refused(["eio", "--variant", "x"], "the eio template has no variants");
    await refused(["eio", "--bogus"], "unknown option --bogus for add");

    const subdirs = project({ dune: "(include_subdirs unqualified)\n" });
    r = await add(subdirs, "eio");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("dune has (include_subdirs unqualified)");
    const dirs = project({ dune: "(dirs bin lib test)\n" });
    r = await add(dirs, "eio");
    expect(r.stderr).toContain("dune has (dirs ...) without parallel");

    const unsafe = project({ "dune-project": DUNE_INIT.replace(" (depends ocaml)", " (depends ocaml)\n (depends dune)") });
    const unsafeBefore = snapshot(unsafe);
    r = await add(unsafe, "eio");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      "dune-project cannot be edited safely: package foo has (depends ...) more than once. Nothing was written. Add by hand, to the (depends ...) of package foo in dune-project (leaving out any already there):\n  (ocaml (>= 5.2))\n  (eio_main (>= 1.3))\nthen run this command again",
    );
    expect(snapshot(unsafe)).toEqual(unsafeBefore);
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

  // SIGKILL cannot be handled; SIGINT and SIGTERM at any moment leave the project as it was, or with the whole approach
  it.each(["SIGINT", "SIGTERM"] as const)("%s at a random moment leaves the project as it was, or with the whole approach", async (signal) => {
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
  }, 60_000);
});

describe("add in a terminal", () => {
  const TWO = DUNE_INIT.replace("; See", "(package\n (name bar)\n (depends lwt))\n\n; See");
  let terminal: Terminal | undefined;
  const start = (cwd: string, ...args: string[]) => (terminal = new Terminal([process.execPath, cliPath, "add", ...args], cwd));
  const close = () => terminal?.close();

  it("asks the approach and the package, shows the changes, confirms, adds, and prints the command without questions", async () => {
    const dir = project({ "dune-project": TWO });
    try {
      const t = start(dir);
      await t.waitFor(/Which approach to add\?[\s\S]*threads/);
      expect(t.screen()).not.toContain("compare");
      t.keys("Up", "Enter"); // the list loops: up from the first is the last, threads
      await t.waitFor(/Which package gets it/);
      t.keys("Down", "Enter");
      const screen = await t.waitFor(/Add threads to .*\?/);
      expect(screen).toContain("for package bar: library bar_threads");
      expect(screen).toMatch(/\+ \(depends\n\+  lwt\n\+  \(ocaml\n\+   \(>= 4\.12\)\)\)/);
      t.keys("Enter");
      const done = await t.waitFor(/\[exit \d+\]/);
      expect(done).toContain("[exit 0]");
      expect(t.lines().join("\n")).toContain("To add it again without questions: npx create-ocaml-parallel add threads --package bar --dir parallel/threads --yes");
      expect(exists(join(dir, "parallel/threads/bin/main.ml"))).toBe(true);
      expect(readFileSync(join(dir, "parallel/threads/bin/dune"), "utf8")).toContain("(package bar)");
    } finally {
      close();
    }
  });

  it("Ctrl-C at the confirmation, or no: nothing changes (exit 130, or 1), and the cursor is shown", async () => {
    for (const [keys, code] of [[["C-c"], 130], [["n", "Enter"], 1]] as const) {
      const dir = project();
      const before = snapshot(dir);
      try {
        const t = start(dir, "eio");
        await t.waitFor(/Add eio to .*\?/);
        t.keys(...keys);
        expect(await t.waitFor(/\[exit \d+\]/)).toContain(`[exit ${code}]`);
        expect(t.cursorVisible()).toBe(true);
        expect(snapshot(dir)).toEqual(before);
      } finally {
        close();
      }
    }
  });
});
