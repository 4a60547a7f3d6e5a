/**
 * src/dune-project.ts: adding to a package's depends in dune-project, every
 * other byte unchanged (on odd inputs made by fast-check), or refusing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareOpamVersions, Unsatisfiable } from "../src/dune/constraints.js";
import { duneDependency } from "../src/dune/depends.js";
import { addDuneDependencies, readDuneProject, UnsafeEdit } from "../src/dune/dune-project.js";
import { formatDune } from "../src/dune/format.js";
import { fieldsNamed, parseSexp, values } from "../src/dune/sexp.js";
import { DUNE_INIT, dep, EIO, isInsertion } from "./helpers/projects.js";

/** The elements of package `pkg`'s depends. */
function dependsOf(text: string, pkg: string) {
  const stanza = readDuneProject(text).packages.find((p) => p.name === pkg)!.stanza;
  const depends = fieldsNamed(stanza.items, "depends")[0];
  return depends ? values(depends.items).slice(1) : [];
}

/** The package names of package `pkg`'s depends, read back. */
const duneNames = (text: string, pkg: string): string[] =>
  dependsOf(text, pkg).map((n) => (n.kind === "list" ? (values(n.items)[0] as { text: string }).text : (n as { text: string }).text));

/** The entries of package `pkg`'s depends, each on one line. */
const duneEntries = (text: string, pkg: string): string[] =>
  dependsOf(text, pkg).map((n) => text.slice(n.start, n.end).replace(/\s+/g, " "));

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
    const text = '(lang dune 3.11)\n(package\n (name p)\n (synopsis "x"))\n';
    expect(addDuneDependencies(readDuneProject(text), "p", EIO).text).toBe(
      '(lang dune 3.11)\n(package\n (name p)\n (synopsis "x")\n (depends\n  (ocaml\n   (>= 5.2))\n  (eio_main\n   (>= 1.3))))\n',
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
    // what dune itself refuses: a formula of packages, a #; or #| comment (dune 3 has none), two constraints
    for (const entry of ["(or lwt eio_main)", "#;(lwt)", "#|", "(fmt (>= 1.0) (< 2.0))", "(fmt (~ 1))"]) {
      const refused = `(lang dune 3.11)\n(package (name p) (depends\n ${entry}\n fmt))\n`;
      expect(() => addDuneDependencies(readDuneProject(refused), "p", EIO), entry).toThrow(/dune refuses too|not a constraint dune reads/);
    }
    expect(() => addDuneDependencies(readDuneProject(twice), "q", EIO)).toThrow(/no \(package \(name q\)\)/);
  });

  it("a constraint of the user's that leaves no version the approach allows is refused; one that does, or a filter, is judged as opam would", () => {
    const withDepends = (entries: string) => readDuneProject(`(lang dune 3.11)\n(package (name p) (depends ${entries}))\n`);
    const domains = [dep("ocaml", [">= 5.0"])];
    for (const [entries, deps] of [
      ["(ocaml (< 5.0))", EIO],
      ["(ocaml (= 4.14.1))", domains],
      ["(ocaml (and (>= 4.08) (< 5.2~)))", EIO],
      ["(ocaml (or (= 4.14.1) (< 5.1)))", EIO],
      ["(ocaml (not (>= 5.0)))", domains],
      ["ocaml (ocaml (and :with-test (< 5.0)))", EIO], // with tests, opam could not solve
    ] as const)
      expect(() => addDuneDependencies(withDepends(entries), "p", [...deps]), entries).toThrow(Unsatisfiable);
    const judged = (entries: string, deps = EIO) => {
      const edit = addDuneDependencies(withDepends(entries), "p", deps);
      return { added: edit.added.map(duneDependency), kept: edit.kept.map((k) => k.theirs) };
    };
    expect(judged("(ocaml (and (>= 4.14) (< 5.3)))")).toEqual({
      added: ["(eio_main (>= 1.3))"],
      kept: ["(ocaml (and (>= 4.14) (< 5.3)))"],
    });
    expect(judged("(ocaml (or (< 4.0) (>= 5.2.1))) (ocaml (<> 5.2.0))").kept).toEqual(["(ocaml (or (< 4.0) (>= 5.2.1)))"]);
    // a dependency only for tests, or the docs, is not one of the build, and dune warns of a package given twice: refused, saying what to write
    expect(judged("(ocaml :build) (eio_main (>= 1.3))")).toEqual({ added: [], kept: ["(ocaml :build)"] });
    expect(() => judged("(eio_main :with-test)")).toThrow(
      "package p's depends has (eio_main :with-test), which does not give eio_main to the build (only to tests or docs), and dune warns of a package given twice. Make it (eio_main (>= 1.3))",
    );
    expect(() => judged("(eio_main (and :with-doc (< 1.0)))")).toThrow(UnsafeEdit);
    // quoted names are names (dune reads them); Jane Street's v-versions are ordered as opam orders them
    expect(judged('("eio_main" (>= 1.4)) ("ocaml" (>= 5.3))')).toEqual({
      added: [],
      kept: ['("ocaml" (>= 5.3))', '("eio_main" (>= 1.4))'],
    });
    expect(() => judged("(core (< v0.16))", [dep("core", [">= v0.17"])])).toThrow(Unsatisfiable);
    expect(judged("(core (< v0.18))", [dep("core", [">= v0.17"])]).kept).toEqual(["(core (< v0.18))"]);
    // an optional dependency (depopts) cannot become a required one too: opam lint's error 31
    expect(() =>
      addDuneDependencies(readDuneProject("(lang dune 3.11)\n(package (name p) (depends ocaml) (depopts eio_main))\n"), "p", EIO),
    ).toThrow(/eio_main in \(depopts \.\.\.\).*error 31/);
  });

  it("orders versions as opam does", () => {
    const sorted = ["5.0~alpha1", "5.0", "5.0.0", "5.0.1", "5.2", "5.10", "v0.9", "v0.17.0", "v0.17.0+ox"];
    for (let i = 0; i < sorted.length; i++)
      for (let j = 0; j < sorted.length; j++)
        expect(Math.sign(compareOpamVersions(sorted[i], sorted[j])), `${sorted[i]} ${sorted[j]}`).toBe(Math.sign(i - j));
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
    // upper bounds above every floor: a range that allows some version (the impossible ones are tested apart)
    fc.tuple(name, version, version).map(([n, a, b]) => `(${n} (and (>= ${a}) (< 9${b})))`),
  );
  const joined = (items: fc.Arbitrary<string[]>) =>
    fc
      .tuple(items, fc.array(sep, { minLength: 20, maxLength: 20 }))
      .map(([xs, seps]) => xs.map((x, k) => `${seps[k % seps.length]}${x}`).join(""));
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
    .map(
      ([a, b, s, aFirst]) =>
        `(lang dune 3.11)${s[0]}(name x)${s[1]}(generate_opam_files true)${s[2]}${aFirst ? a : b}${s[3]}${aFirst ? b : a}${s[4]}`,
    );
  const wanted = fc.array(fc.tuple(name, fc.array(version, { maxLength: 2 }), fc.boolean()), { minLength: 1, maxLength: 4 }).map((ds) =>
    ds
      .filter(([n], k) => ds.findIndex(([m]) => m === n) === k)
      .map(([n, vs, test]) =>
        dep(
          n,
          vs.map((v, k) => `${k ? "< 9" : ">= "}${v}`),
          test,
        ),
      ),
  );

  it("on odd files: only the package's stanza changes, by one insertion (or dune's layout of it), and the new names are read back", () => {
    fc.assert(
      fc.property(duneProject, wanted, (text, deps) => {
        const project = readDuneProject(text);
        const stanza = project.packages.find((p) => p.name === "main_pkg")!.stanza;
        const before = duneNames(text, "main_pkg");
        const other = duneNames(text, "other");
        // a wanted package there only :with-test: refused (dune warns of a package given twice), saying what to write
        const entries = duneEntries(text, "main_pkg");
        const testOnly = (d: (typeof deps)[number]) =>
          !d.test &&
          entries.some((e) => e.startsWith(`(${d.name} `)) &&
          entries.every((e) => e !== d.name && (!e.startsWith(`(${d.name} `) || e.includes(":with-test")));
        if (deps.some(testOnly)) {
          expect(() => addDuneDependencies(project, "main_pkg", deps)).toThrow(/only to tests or docs/);
          return;
        }
        const edit = addDuneDependencies(project, "main_pkg", deps);
        // nothing outside the stanza changed
        expect(edit.text.slice(0, stanza.start)).toBe(text.slice(0, stanza.start));
        expect(edit.text.endsWith(text.slice(stanza.end))).toBe(true);
        const newStanza = edit.text.slice(stanza.start, edit.text.length - (text.length - stanza.end));
        const oldStanza = text.slice(stanza.start, stanza.end);
        if (!isInsertion(oldStanza, newStanza)) expect(formatDune(oldStanza)).toBe(`${oldStanza}\n`);
        // what was there stays; what was missing is added, once, with its constraints
        // an entry only :with-test does not provide a dependency of the build: that one is added beside it
        const provided = (d: (typeof deps)[number]) =>
          duneEntries(text, "main_pkg").some((e) => (e.startsWith(`(${d.name} `) ? d.test || !e.includes(":with-test") : e === d.name));
        expect(edit.added.map((d) => d.name)).toEqual(deps.filter((d) => !provided(d)).map((d) => d.name));
        expect(duneNames(edit.text, "main_pkg")).toEqual([...before, ...edit.added.map((d) => d.name)]);
        expect(duneNames(edit.text, "other")).toEqual(other);
        for (const d of edit.added)
          expect(edit.text.replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")")).toContain(duneDependency(d));
      }),
      { numRuns: 400 },
    );
  });
});
