/**
 * Generated files are formatted as the real tools format them, whatever the
 * project's name: dune files as `dune format-dune-file` prints them (src/dune-format.ts
 * is checked against it on random files too), OCaml with the pinned ocamlformat.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { allTemplates, loadCatalog, templateId } from "../src/catalog/catalog.js";
import { formatDune } from "../src/dune/format.js";
import { nameProblem } from "../src/names.js";
import { OCAMLFORMAT_VERSION } from "../src/versions.js";
import { outputOf, repo, runCli } from "./helpers/cli.js";
import { forkyRoot, forkyWorkDir, inForky, removeForkyWorkDirs } from "./helpers/forky.js";

afterAll(removeForkyWorkDirs);

const root = forkyRoot();

/** Random dune files: stanzas of atoms, strings, templates and nested lists of every length around the margin, and comments. */
const duneFiles = () => {
  const atom = fc.oneof(
    fc.stringMatching(/^[a-z][a-z0-9_.:-]{0,12}$/),
    fc.integer({ min: 1, max: 75 }).map((n) => "a".repeat(n)),
    fc.stringMatching(/^%\{[a-z]{1,6}(:[a-z.]{1,8})?\}$/),
    fc.stringMatching(/^[a-zé "\\]{0,30}$/).map((s) => JSON.stringify(s).replace(/é/g, "é")),
  );
  const comment = fc.stringMatching(/^[ a-z]{0,30}$/).map((s) => ({ comment: s }));
  type Item = string | { comment: string } | Item[];
  const { list } = fc.letrec<{ list: Item[]; item: Item }>((tie) => ({
    item: fc.oneof(
      { depthSize: "small" },
      atom,
      atom,
      fc.constant<Item[]>([]),
      atom.map((a): Item[] => [a]),
      tie("list"),
    ),
    list: fc
      .tuple(atom, fc.array(fc.oneof(tie("item"), tie("item"), tie("item"), comment), { maxLength: 8 }))
      .map(([head, rest]) => [head, ...rest]),
  }));
  const write = (item: Item, sameLine: boolean): string =>
    typeof item === "string"
      ? item
      : Array.isArray(item)
        ? `(${item.map((i, k) => write(i, k % 3 !== 2)).join(" ")})`
        : `${sameLine ? "" : "\n"};${item.comment}\n`;
  return fc
    .array(fc.oneof(list, list, list, comment), { minLength: 1, maxLength: 4 })
    .map((top) => top.map((t) => write(t, false)).join("\n"));
};

describe("src/dune-format.ts", () => {
  it("prints what dune format-dune-file prints, on random dune files", async () => {
    const inputs = fc.sample(duneFiles(), { numRuns: 400, seed: 2026 });
    const [outside, inside] = forkyWorkDir(root, "fmt-random-");
    inputs.forEach((text, i) => {
      writeFileSync(join(outside, `${i}.in`), text);
    });
    const r = await inForky(
      `cd ${inside} && for f in *.in; do dune format-dune-file "$f" > "\${f%.in}.out" || echo "dune refused $f"; done`,
    );
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).not.toContain("dune refused");
    const differ = inputs
      .map((text, i) => ({ text, dune: readFileSync(join(outside, `${i}.out`), "utf8") }))
      .filter(({ text, dune }) => formatDune(text) !== dune);
    expect(differ.slice(0, 3).map(({ text, dune }) => ({ text, dune, ours: formatDune(text) }))).toEqual([]);
  }, 600_000);
});

const SHORT = "ab";
const LONG = `${`a${"-bcdefgh".repeat(8)}`.slice(0, 63)}z`;

describe("generated projects", () => {
  it("names of 2 and 64 characters (the longest accepted)", () => {
    expect(LONG).toHaveLength(64);
    expect(nameProblem(LONG)).toBeUndefined();
    expect(nameProblem(`${LONG}x`)).toMatch(/65 characters/);
  });

  it("every template with a short and the longest name: dune format-dune-file leaves each dune file as it is, and dune build @fmt passes", async () => {
    const [outside, inside] = forkyWorkDir(root, "fmt-projects-");
    const projects: string[] = [];
    for (const m of allTemplates())
      for (const name of [SHORT, LONG]) {
        const folder = `${templateId(m)}-${name.length}`;
        const variant = m.variant ? ["--variant", m.variant.name] : [];
        const every = loadCatalog()
          .find((c) => c.name === m.name)
          ?.approaches?.map((a) => a.name);
        const approaches = every ? ["--approaches", every.join(",")] : [];
        const r = await runCli([join(outside, folder), "-t", m.name, ...variant, ...approaches, "--name", name, "--yes", "--no-git"]);
        expect(r.exitCode, outputOf(r)).toBe(0);
        projects.push(folder);
      }
    const check = await inForky(
      [
        `cd ${inside}`,
        `for p in ${projects.join(" ")}; do`,
        `  for f in $(cd $p && find . -name dune -o -name dune-project -o -name dune-workspace); do`,
        `    dune format-dune-file "$p/$f" | diff -u "$p/$f" - || echo "NOT FORMATTED: $p/$f"`,
        "  done",
        `  (cd $p && dune build @fmt 2>&1) || echo "FMT FAILED: $p"`,
        "done",
      ].join("\n"),
    );
    expect(check.exitCode, check.all).toBe(0);
    expect(check.all).not.toMatch(/NOT FORMATTED|FMT FAILED/);
  }, 900_000);

  it(".ocamlformat pins the toolchain's ocamlformat", async () => {
    const r = await inForky("ocamlformat --version");
    expect(r.exitCode, r.all).toBe(0);
    expect(OCAMLFORMAT_VERSION).toBe(String(r.stdout).trim());
    expect(readFileSync(join(repo, "examples/domains/.ocamlformat"), "utf8")).toBe(`profile = default\nversion = ${OCAMLFORMAT_VERSION}\n`);
  });
});
