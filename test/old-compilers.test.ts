/**
 * The OCaml floors below 5, on the oldest compilers Debian has: bullseye's 4.11.1 (dune 2.7.1,
 * lwt 5.3.0, parmap 1.2; its own cached chroot, DEBIAN_SUITE=bullseye) and this host's bookworm
 * 4.13.1 (dune 2.9; .ci/run installs it). Their dune is older than the generated (lang dune 3.11),
 * so a copy with the lang line lowered to theirs is built: the OCaml is what is being checked.
 *
 * What each floor's note (README, --list --json) claims is what runs here: "built, tested and
 * run on X" must build, test and run on X; "fails on X (MESSAGE)" must fail to compile there
 * with MESSAGE. A "proven" floor is a compiler here; an inferred one is not (else prove it).
 */

import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { allTemplates, findTemplate, librariesOf, loadCatalog, runCommand, type Template, templateId } from "../src/catalog/catalog.js";
import { outputOf, runCli, tempDir } from "./helpers/cli.js";
import { debianToolchain, forkyWorkDir, removeForkyWorkDirs } from "./helpers/forky.js";

afterAll(removeForkyWorkDirs);

const hostOcaml = (() => {
  try {
    return execFileSync("ocamlc", ["-vnum"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
})();

/**
 * Every OCaml the tests compile with: the e2e suites' (forky, trixie) and this file's. A floor
 * whose minor is one of these can be proven, and must be.
 */
const COMPILERS = ["4.11.1", "4.13.1", "5.3.0", "5.4.1"];
const minor = (v: string) => v.split(".").slice(0, 2).join(".");

const bullseye = debianToolchain("bullseye");

/** Where each old compiler is: a folder to generate into and a way to run a script there. */
function place(ocaml: string) {
  if (ocaml === "4.11.1") return { where: "Debian bullseye", dir: () => forkyWorkDir(bullseye.root, "old-"), run: bullseye.run };
  if (ocaml === "4.13.1" && hostOcaml === "4.13.1") {
    const run = (command: string, timeout = 600_000) => execa("bash", ["-c", command], { reject: false, timeout, all: true });
    const dir = (): [string, string] => {
      const d = tempDir("cop-old-");
      return [d, d];
    };
    return { where: "this host's Debian bookworm", dir, run };
  }
  return undefined;
}

/** Generates `m` into the compiler's place, its dune lang lowered to the local dune's. */
async function generateFor(m: Template, ocaml: string) {
  const p = place(ocaml)!;
  const [outside, inside] = p.dir();
  const flags = [
    ...(m.variant ? ["--variant", m.variant.name] : []),
    ...(m.chosen ? ["--approaches", m.chosen.map((a) => a.name).join(",")] : []),
  ];
  const g = await runCli([join(outside, "proj"), "--template", m.name, ...flags, "--yes", "--no-git", "--name", "starter"]);
  expect(g.exitCode, outputOf(g)).toBe(0);
  const cd = `cd ${inside}/proj && sed -i "s/^(lang dune [0-9.]*)/(lang dune $(dune --version | cut -d. -f1,2))/" dune-project && ocamlc -version | grep -qx ${ocaml}`;
  return { run: (script: string) => p.run(`${cd} && ${script}`, 600_000), where: p.where };
}

const catalog = loadCatalog();
const units = [...allTemplates(catalog), findTemplate(catalog, "compare", undefined, ["domains", "threads"])];
const id = (m: Template) => (m.chosen ? `compare --approaches ${m.chosen.map((a) => a.name).join(",")}` : templateId(m));
const claims = units.flatMap((m) => [
  ...[...m.floor.note.matchAll(/built, tested and run on (\d+\.\d+\.\d+)/g)].map((c) => ({ m, ocaml: c[1], fails: undefined })),
  ...[...m.floor.note.matchAll(/fails on (\d+\.\d+\.\d+) \(([^)]+)\)/g)].map((c) => ({ m, ocaml: c[1], fails: c[2] })),
]);
const unplaced = claims.filter((c) => !place(c.ocaml));
if (unplaced.length)
  console.warn(
    `test/old-compilers.test.ts: not checked here: ${unplaced.map((c) => `${id(c.m)} on ${c.ocaml}`).join(", ")} (${hostOcaml ? `this host's OCaml is ${hostOcaml}` : "no OCaml on this host"}; .ci/run installs Debian bookworm's 4.13.1)`,
  );

/** The libraries each old compiler here has beside its own (findlib's list; none on the host, which has no findlib). */
const librariesAt: Record<string, Set<string>> = {
  "4.11.1": new Set(
    String((await bullseye.run("ocamlfind list 2>/dev/null")).stdout)
      .split("\n")
      .map((l) => l.split(" ")[0]),
  ),
  "4.13.1": new Set(),
};
const WITH_OCAML = new Set(["unix", "threads", "threads.posix"]);
// a build needs the template's libraries there: mpi's ocamlmpi comes from the source folder (OCAML_SOURCES)
const buildableAt = (m: Template, ocaml: string) => librariesOf(m).every((l) => WITH_OCAML.has(l) || librariesAt[ocaml]?.has(l));

describe("floors", () => {
  it("a proven floor is a compiler the tests build on, and names it; an inferred one cannot be built here", () => {
    for (const m of units) {
      const here = COMPILERS.find((v) => minor(v) === m.ocaml);
      if (m.floor.proof === "proven") {
        expect(here, `${id(m)}: proven on ${m.ocaml}`).toBeDefined();
        expect(m.floor.note, id(m)).toContain(`built, tested and run on ${here}`);
      } else if (here) {
        // inferred although its compiler is here: only because that Debian lacks one of its libraries
        expect(buildableAt(m, here), `${id(m)}: ${m.ocaml} is inferred, yet it can be built on ${here} here`).toBe(false);
      }
    }
  });

  it("every 4.x floor not known from opam says what was run (so this file checks it)", () => {
    for (const m of units.filter((u) => u.ocaml.startsWith("4.") && u.floor.proof !== "opam"))
      expect(
        claims.some((c) => c.m === m),
        `${id(m)}: ${m.floor.note}`,
      ).toBe(true);
  });
});

const checked = claims.filter((c) => place(c.ocaml) && (c.fails || buildableAt(c.m, c.ocaml))).map((c) => ({ ...c, name: id(c.m) }));
const unbuildable = claims.filter((c) => place(c.ocaml) && !c.fails && !buildableAt(c.m, c.ocaml));
if (unbuildable.length)
  console.warn(
    `test/old-compilers.test.ts: not built: ${unbuildable.map((c) => `${id(c.m)} on ${c.ocaml}`).join(", ")}: its libraries are not there (ocamlmpi comes from the source folder: OCAML_SOURCES, see README)`,
  );

it.each(checked.filter((c) => !c.fails))(
  "$name builds, tests and runs on OCaml $ocaml",
  async ({ m, ocaml }) => {
    const p = await generateFor(m, ocaml);
    // @install, not the default alias: dune 2 would also link bytecode test programs, which ocamlmpi's stubs do not allow
    const r = await p.run(`dune build @install 2>&1 && dune test 2>&1 && timeout 300 ${runCommand(m)} ${m.run.testArgs.join(" ")} 2>&1`);
    expect(r.exitCode, `${p.where}:\n${r.all}`).toBe(0);
    expect(r.all).toMatch(new RegExp(m.run.testExpect));
    expect(r.all).toMatch(new RegExp(m.run.expect ?? "."));
  },
  900_000,
);

it.each(checked.filter((c) => c.fails))(
  "$name fails to compile on OCaml $ocaml: $fails",
  async ({ m, ocaml, fails }) => {
    const p = await generateFor(m, ocaml);
    const r = await p.run("dune build @install 2>&1");
    expect(r.exitCode, `${p.where}:\n${r.all}`).not.toBe(0);
    expect(r.all).toContain(`Error: ${fails}`);
  },
  900_000,
);
