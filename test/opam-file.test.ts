/**
 * src/opam-file.ts: adding to an .opam file's depends in the list's own layout,
 * every other byte unchanged (on odd inputs made by fast-check).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Unsatisfiable } from "../src/dune/constraints.js";
import { opamDependency } from "../src/dune/depends.js";
import { UnsafeEdit } from "../src/dune/dune-project.js";
import { addOpamDependencies, readOpamDepends } from "../src/dune/opam-file.js";
import { dep, EIO, isInsertion } from "./helpers/projects.js";

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
    expect(addOpamDependencies(text, [dep("eio_main", [">= 1.3"])], 2).text).toBe(
      text.replace('  "ocaml"\n', '  "ocaml"\n  "eio_main" {>= "1.3"}\n'),
    );
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

  it("judges the user's entries as opam would: alternatives and {with-test} do not provide, an empty intersection is refused", () => {
    const judged = (depends: string) => {
      const edit = addOpamDependencies(`depends: [ ${depends} ]\n`, EIO);
      return { added: edit.added.map(opamDependency), kept: edit.kept.map((k) => k.theirs) };
    };
    expect(judged('("lwt" | "eio_main") "ocaml"').added).toEqual(['"eio_main" {>= "1.3"}']);
    expect(judged('"eio_main" {with-test} "ocaml" {>= "4.14" & != "5.2.0"}')).toEqual({
      added: ['"eio_main" {>= "1.3"}'],
      kept: ['"ocaml" {>= "4.14" & != "5.2.0"}'],
    });
    expect(judged('"ocaml" {!(< "5.2")} "eio_main" {>= "1.3" & os != "win32"}')).toEqual({
      added: [],
      kept: ['"ocaml" {!(< "5.2")}', '"eio_main" {>= "1.3" & os != "win32"}'],
    });
    for (const depends of ['"ocaml" {< "5.0"}', '"ocaml" {= "4.14.1" | < "5.1~"}', '"eio_main" {with-test & < "1.0"}'])
      expect(() => addOpamDependencies(`depends: [ ${depends} ]\n`, EIO), depends).toThrow(Unsatisfiable);
    // an optional dependency (depopts) cannot become a required one too: opam lint's error 31
    expect(() => addOpamDependencies('depends: [ "ocaml" ]\ndepopts: [ "eio_main" ]\n', EIO)).toThrow(/eio_main is in depopts.*error 31/);
  });

  const space = fc.constantFrom(" ", "\n", "  ", "\n  ", "\n\n    ", "\t");
  const comment = fc.oneof(
    fc.stringMatching(/^[a-z "[\]{}]{0,10}$/).map((c) => ` # ${c}\n`),
    fc.stringMatching(/^[a-z "[\]{}#]{0,10}$/).map((c) => ` (* ${c} *) `),
  );
  const sep = fc.oneof({ weight: 4, arbitrary: space }, { weight: 1, arbitrary: comment });
  const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/);
  const str = fc.stringMatching(/^[a-z \][{}#"\\]{0,8}$/).map((s) => `"${s.replace(/[\\"]/g, "\\$&")}"`);
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
        // an alternative ("a" | "b") or an entry {with-test} does not provide a dependency of the build: it is added
        const provided = (n: string) =>
          (readOpamDepends(text)?.members ?? []).some((m) => {
            const entry = text.slice(m.start, m.end);
            return m.names.length === 1 && m.names[0] === n && !entry.includes("with-test");
          });
        expect(edit.added.map((d) => d.name)).toEqual(wantedNames.filter((n) => !provided(n)));
        expect(names(edit.text)).toEqual([...before, ...edit.added.map((d) => d.name)]);
        for (const d of edit.added) expect(edit.text).toContain(opamDependency(d));
      }),
      { numRuns: 400 },
    );
  });
});
