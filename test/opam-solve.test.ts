/**
 * The OCaml floors and the dependency constraints, asked of the real opam (2.5, in the forky
 * chroot, offline) against the snapshot of the default opam repository (scripts/opam-snapshot.mjs;
 * OPAM_REPOSITORY_SNAPSHOT, which .ci/run sets to ../shared/opam-repository). For every template,
 * variant and a few compare selections, as the CLI generates them, `opam install . --deps-only
 * --with-test` must solve on every OCaml minor from the floor to the newest in the snapshot, and
 * not on the one below; versions known not to build (KNOWN_BAD) must be kept out by our
 * constraints; every job of the generated CI must solve on its platform; and
 * templates/depexts.json must be what the snapshot's depexts say.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: as above
import { file as depextsFile, derive, opamRoots } from "../scripts/depexts.mjs";
// @ts-expect-error: plain .mjs scripts, shared with `node scripts/depexts.mjs`
import { compilerReleases, PLATFORMS, prepareSnapshot, snapshotFolder, solve } from "../scripts/opam-snapshot.mjs";
import { allTemplates, ciLegs, findTemplate, loadCatalog, newerMinor, type Template, templateId } from "../src/catalog/catalog.js";
import { compareVersions } from "../src/toolchain/tools.js";
import { OCAML_RELEASES } from "../src/versions.js";
import { outputOf, runCli } from "./helpers/cli.js";
import { forkyRoot, forkyWorkDir, removeForkyWorkDirs } from "./helpers/forky.js";

/**
 * Versions known not to build on some OCaml, which the generated constraints must keep opam
 * from choosing: for every project depending on `package`, a copy of its .opam forces
 * `versions` and must not solve on any OCaml from `ocaml` on. One line per combination found.
 */
const KNOWN_BAD = [
  {
    package: "mpi",
    versions: '< "1.07"',
    ocaml: "5.4",
    why: "mpi 1.05 and 1.06 do not compile on OCaml 5.4 (caml_input_value_from_malloc gained an argument); opam-repository does not bar them, 1.07 is the fix",
  },
];

/** The CI's runners as opam's platform variables. */
const RUNNER_PLATFORM: Record<string, string> = { "ubuntu-latest": "ubuntu", "macos-latest": "homebrew" };

const folder: string | undefined = snapshotFolder();
if (!folder)
  console.warn(
    "test/opam-solve.test.ts: skipped (no OPAM_REPOSITORY_SNAPSHOT): the floors, constraints, CI jobs and depexts are not checked against opam's solver. .ci/run sets it to ../shared/opam-repository when that folder exists.",
  );

const catalog = loadCatalog();
const compare = (names: string[]) => ({
  id: `compare --approaches ${names.join(",")}`,
  m: findTemplate(catalog, "compare", undefined, names),
  args: ["--approaches", names.join(",")],
});
const units: { id: string; m: Template; args: string[] }[] = [
  ...allTemplates(catalog).map((m) => ({ id: templateId(m), m, args: m.variant ? ["--variant", m.variant.name] : [] })),
  compare(["parmap", "parany"]),
  compare(["domains", "threads"]),
  compare(["mpi", "rpc-parallel"]),
  compare(catalog.find((m) => m.name === "compare")!.approaches!.map((a) => a.name)),
];

type Case = {
  unit: string;
  check: "floor" | "above" | "below" | "unbounded" | "bad" | "leg";
  compiler: string;
  project: string;
  platform: object;
  os?: string;
};
type Result = Case & { exit: number; output: string; solution?: { name: string; version: string }[] };

const minor = (v: string) => v.split(".").slice(0, 2).join(".");
let releases: string[] = [];
let results: Result[] = [];
let snapshot: { chroot: string; prunedRoot: string; fullRoot: string; repository: string };
const of = (unit: string, check: Case["check"]) => results.filter((r) => r.unit === unit && r.check === check);

afterAll(removeForkyWorkDirs);

describe.skipIf(!folder)("opam's solver, against the opam-repository snapshot", () => {
  beforeAll(async () => {
    snapshot = prepareSnapshot(folder, opamRoots(), { full: true });
    releases = compilerReleases(snapshot.repository);
    const minors = [...new Set(releases.map(minor))];
    const newestOf = (m: string) => releases.filter((v) => minor(v) === m).at(-1)!;
    const root = forkyRoot();
    const cases: Case[] = [];
    for (const u of units) {
      const [outside, inside] = forkyWorkDir(root, "solve-");
      const r = await runCli([join(outside, "p"), "--template", u.m.name, ...u.args, "--yes", "--no-git", "--name", "probe"]);
      expect(r.exitCode, outputOf(r)).toBe(0);
      const opam = readFileSync(join(outside, "p/probe.opam"), "utf8");
      // a copy of the .opam alone is a project to opam: with a bound edited, or added to its depends
      const copy = (name: string, text: string) => {
        mkdirSync(join(outside, name));
        writeFileSync(join(outside, name, "probe.opam"), text);
        return `${inside}/${name}`;
      };
      const at = (check: Case["check"], compiler: string, project = `${inside}/p`, os = "ubuntu-latest") =>
        cases.push({ unit: u.id, check, compiler, project, os, platform: PLATFORMS[RUNNER_PLATFORM[os]] });
      // the floor at its first release (x.y.0: what the floor promises), the minors above at their newest
      at("floor", releases.find((v) => minor(v) === u.m.ocaml)!);
      for (const m of minors.filter((m) => newerMinor(m, u.m.ocaml))) at("above", newestOf(m));
      const below = minors.filter((m) => newerMinor(u.m.ocaml, m)).at(-1);
      if (below) {
        at("below", newestOf(below));
        // a floor known from opam: one below fails even without the project's own bound on ocaml
        if (u.m.floor.proof === "opam")
          at("unbounded", newestOf(below), copy("unbounded", opam.replace(/^ {2}"ocaml" \{>= "[\d.]+"\}$/m, '  "ocaml"')));
      }
      for (const bad of KNOWN_BAD.filter((b) => opam.includes(`"${b.package}" {`)))
        for (const m of minors.filter((m) => !newerMinor(bad.ocaml, m)))
          at(
            "bad",
            newestOf(m),
            copy(`bad-${bad.package}-${m}`, opam.replace(/^depends: \[$/m, `depends: [\n  "${bad.package}" {${bad.versions}}`)),
          );
      // macOS jobs (Linux ones are the solves above, which run as on Ubuntu); a floor left out of them must not solve there
      for (const os of u.m.platforms.ci.filter((os) => RUNNER_PLATFORM[os] === "homebrew")) {
        const legs = ciLegs(u.m).filter((l) => l.os === os);
        for (const l of legs) at("leg", newestOf(l.ocaml), undefined, os);
        if (!legs.some((l) => l.ocaml === u.m.ocaml)) at("leg", newestOf(u.m.ocaml), undefined, os);
      }
    }
    results = solve(snapshot, snapshot.prunedRoot, cases);
  }, 900_000);

  it.each(units)("$id: solves on its floor and every newer OCaml, not on the one below", ({ id, m }) => {
    const solved = [...of(id, "floor"), ...of(id, "above")];
    expect(solved.map((r) => minor(r.compiler))).toEqual([...new Set(releases.map(minor))].filter((v) => !newerMinor(m.ocaml, v)));
    for (const r of solved) expect(r.exit, `OCaml ${r.compiler}:\n${r.output}`).toBe(0);
    const [below] = of(id, "below");
    if (!below) {
      // nothing older to ask for: a user's opam cannot create a switch below the floor either
      expect(minor(releases[0]), "the snapshot's oldest compiler").toBe(m.ocaml);
      return;
    }
    expect(below.exit, `OCaml ${below.compiler} must not solve`).not.toBe(0);
    expect(below.output).toMatch(/No solution|no agreement|conflict/i);
    for (const r of of(id, "unbounded"))
      expect(r.exit, `OCaml ${r.compiler}, the .opam without its ocaml bound (a floor known from opam):\n${r.output}`).not.toBe(0);
  });

  it.each(units.filter((u) => KNOWN_BAD.some((b) => u.m.opam.some((d) => d.name === b.package))))(
    "$id: the versions known not to build are kept out",
    ({ id }) => {
      const bad = of(id, "bad");
      expect(bad.length).toBeGreaterThan(0);
      for (const r of bad)
        expect(r.exit, `OCaml ${r.compiler} with ${r.project}: ${KNOWN_BAD.map((b) => b.why).join("; ")}\n${r.output}`).not.toBe(0);
    },
  );

  it.each(units.filter((u) => u.m.platforms.ci.some((os) => RUNNER_PLATFORM[os] === "homebrew")))(
    "$id: its CI's macOS jobs solve there; a floor left out of them does not",
    ({ id, m }) => {
      for (const r of of(id, "leg")) {
        const listed = ciLegs(m).some((l) => l.os === r.os && l.ocaml === minor(r.compiler));
        expect(r.exit === 0, `${r.os}, OCaml ${r.compiler}, ${listed ? "a job of the CI" : "left out of the CI"}:\n${r.output}`).toBe(
          listed,
        );
      }
    },
  );

  it("--ocaml's list of releases is the snapshot's", () => {
    expect(OCAML_RELEASES).toEqual(releases.filter((v) => compareVersions(v, "4.11.0") >= 0));
  });

  it("the pruned repository gives the whole one's solution (the largest project, the newest OCaml)", () => {
    const largest = results.filter((r) => r.check === "above" && r.unit === units.at(-1)!.id).at(-1)!;
    const [whole] = solve(snapshot, snapshot.fullRoot, [largest]) as Result[];
    const names = (r: Result) => (r.solution ?? []).map((p) => `${p.name}.${p.version}`).sort();
    expect(whole.exit, whole.output).toBe(0);
    expect(names(largest)).toEqual(names(whole));
    expect(names(whole).length).toBeGreaterThan(20);
  });

  it("templates/depexts.json is what the snapshot's depexts say (else: node scripts/depexts.mjs)", () => {
    expect(derive(folder)).toEqual(JSON.parse(readFileSync(depextsFile, "utf8")));
  }, 600_000);
});
