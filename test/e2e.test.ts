/**
 * Generated projects built, tested, formatted and run against the real
 * libraries, in the Debian forky chroot (OCaml 5.4, dune 3.24, eio, lwt,
 * domainslib, parmap, parany, luv; and, when the toolchain was given a source
 * folder (OCAML_SOURCES), Jane Street v0.17's async and rpc_parallel, ocamlmpi, and
 * moonpool 0.11 with picos 0.6). Without it, those four get every check possible
 * without their libraries.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { allTemplates, findTemplate, librariesOf, loadCatalog, runCommand, type Template, templateId } from "../src/catalog/catalog.js";
import { outputOf, runCli } from "./helpers/cli.js";
import {
  forkyBuildable,
  forkyHasSources,
  forkyRoot,
  forkyWorkDir,
  inForky,
  installCliInForky,
  keepForkyWorkDir,
  opamSetting,
  removeForkyWorkDirs,
} from "./helpers/forky.js";

afterAll(removeForkyWorkDirs);

const templates = allTemplates();
/** These must build here: a chroot that lost one of their libraries fails the run instead of skipping it. */
const MUST_BUILD = ["domains", "domains-domainslib", "eio", "lwt", "parmap", "parany", "luv", "threads", "compare"];
/** Their libraries come from a source folder (scripts/forky-toolchain.sh, OCAML_SOURCES): given one, they must build too. */
const FROM_SOURCES = ["async", "rpc-parallel", "mpi", "moonpool"];

// at collection time: which tests run depends on it (the first setup takes minutes)
const root = forkyRoot();
const buildable = forkyBuildable();

const cli = installCliInForky(root);
const sourcesGiven = Boolean(process.env.OCAML_SOURCES) || (await forkyHasSources());
if (!sourcesGiven)
  console.warn(
    `e2e: ${FROM_SOURCES.join(", ")} are only parsed and linted: their libraries are not in Debian. Give the toolchain the folder of their source archives (OCAML_SOURCES=DIR npm test; see README) to build and run them.`,
  );

const libraries = (m: Template) => librariesOf(m);

/** Generates `template` inside the chroot; returns the folder inside it and the .opam as written. */
async function generate(m: Template, extra: string[] = []) {
  const [outside, inside] = forkyWorkDir(root, `${templateId(m)}-`);
  // kept when the test fails, to look at
  onTestFinished(({ task }) => {
    if (task.result?.state === "fail") keepForkyWorkDir(outside);
  });
  const variant = m.variant ? ["--variant", m.variant.name] : [];
  const r = await runCli([join(outside, "proj"), "--template", m.name, ...variant, "--yes", "--no-git", "--name", "starter", ...extra]);
  expect(r.exitCode, outputOf(r)).toBe(0);
  copyFileSync(join(outside, "proj/starter.opam"), join(outside, "starter.opam.as-generated"));
  return { outside: join(outside, "proj"), inside: join(inside, "proj"), opam: readFileSync(join(outside, "proj/starter.opam"), "utf8") };
}

describe("the toolchain", () => {
  it("has the libraries of every template that must build here", () => {
    const must = sourcesGiven ? [...MUST_BUILD, ...FROM_SOURCES] : MUST_BUILD;
    for (const m of templates.filter((t) => must.includes(templateId(t))))
      expect(buildable(m), `${templateId(m)}: ${libraries(m)}`).toBe(true);
  });
});

/**
 * Values each kind of flag must refuse: a message naming the flag, exit 2, as Stdlib's Arg does;
 * in the starters whose flags Core's Command parses (the _flag-command layer), the value's
 * parser raises and Command says "failed to parse FLAG value" with that message, and exits 1.
 */
const BAD_VALUES = {
  count: ["0", "-1", "abc", "2.5"],
  seconds: ["0", "-0.5", "nan", "inf", "abc"],
  hosts: ["", "a,,b", ","],
  port: ["0", "-1", "65536", "abc"],
} as const;

/** Every flag of the starter, with every bad value: refused the same way, and nothing hangs. */
async function refusesBadFlags(manifest: Template, inside: string) {
  const cases = Object.entries(manifest.run.flags).flatMap(([flag, kind]) => BAD_VALUES[kind].map((value) => [flag, value]));
  expect(cases.length).toBeGreaterThan(0);
  const script = cases
    .map(
      ([flag, value]) =>
        `echo "== ${flag} ${value}"; timeout 30 ${runCommand(manifest)} ${flag} '${value}' 2>&1 | grep -v -e hwloc -e '^--' | head -5; echo "exit \${PIPESTATUS[0]}"`,
    )
    .join("; ");
  const r = await inForky(`cd ${inside} && dune build 2>/dev/null; ${script}`, 300_000);
  const answers = r.all!.split(/^== /m).slice(1);
  const command = manifest.layers.includes("_flag-command");
  expect(answers).toHaveLength(cases.length);
  for (const [i, [flag, value]] of cases.entries()) {
    const answer = answers[i];
    const quoted = flag.replace(/[-]/g, "\\-");
    if (command) {
      expect(answer, `${flag} ${value}`).toMatch(/exit 1\s*$/);
      expect(answer, `${flag} ${value}`).toMatch(
        new RegExp(`failed to parse ${quoted} value "${value.replace(/[.]/g, "\\.")}"\\.\\s+${quoted} must be .+, not `),
      );
    } else {
      expect(answer, `${flag} ${value}`).toMatch(/exit 2\s*$/);
      expect(answer, `${flag} ${value}`).toMatch(
        new RegExp(`: (${quoted} must be .+, not |wrong argument '${value}'; option '${quoted}' expects )`),
      );
    }
  }
}

describe.each(templates.map((m) => [templateId(m), m] as const))("%s", (_, manifest) => {
  it.runIf(buildable(manifest))(
    "builds, tests, is formatted, lints, keeps its .opam, and runs",
    async () => {
      const project = await generate(manifest, ["--author", `Zoë "Z" O'Neil <z@example.com> {{x}} %{y} $HOME \\ back`]);
      const build = await inForky(
        `cd ${project.inside} && dune build 2>&1 && dune test 2>&1 && dune build @fmt 2>&1 && opam lint starter.opam 2>&1`,
      );
      expect(build.exitCode, build.all).toBe(0);
      // the test ran and said so (a test whose line never shows has not been seen to pass)
      expect(build.all).toMatch(new RegExp(manifest.run.testExpect));
      expect(build.all).toMatch(/starter\.opam: Passed/);
      // dune regenerated the .opam from dune-project during the build: it must not have changed
      expect(readFileSync(join(project.outside, "starter.opam"), "utf8")).toBe(project.opam);
      const run = await inForky(`cd ${project.inside} && ${runCommand(manifest)} ${manifest.run.testArgs.join(" ")} 2>&1`);
      expect(run.exitCode, run.all).toBe(0);
      expect(run.all).toMatch(new RegExp(manifest.run.expect ?? "."));
      if (manifest.name === "mpi") {
        const alias = await inForky(`cd ${project.inside} && dune build @mpirun 2>&1`);
        expect(alias.exitCode, alias.all).toBe(0);
        expect(alias.all).toMatch(/2 workers\)[\s\S]*results agree: yes/);
      }
      await refusesBadFlags(manifest, project.inside);
    },
    900_000,
  );

  it.runIf(buildable(manifest))(
    "the tool itself installs it with opam, builds, tests and runs it (--build --switch local --run)",
    async () => {
      const { env } = opamSetting(root);
      const variant = manifest.variant ? `--variant ${manifest.variant.name}` : "";
      const r = await inForky(`${env} && node ${cli} app --template ${manifest.name} ${variant} --build --switch local --run --no-git`);
      expect(r.exitCode, r.all).toBe(0);
      expect(r.all).toContain("Built and tested with opam (a local switch, _opam/)");
      expect(r.all).toMatch(new RegExp(manifest.run.expect ?? "."));
    },
    900_000,
  );

  it.runIf(!buildable(manifest))(
    "parses with the real compiler, lints, and its dune files are s-expressions (libraries not packaged here)",
    async () => {
      const project = await generate(manifest);
      const check = await inForky(
        [
          `cd ${project.inside}`,
          `for f in $(find . -name '*.ml' -o -name '*.mli'); do ocamlfind ocamlopt -stop-after parsing -c "$f" -o /tmp/x || exit 1; done`,
          `for f in dune-project $(find . -name dune); do dune format-dune-file "$f" > /dev/null || { echo "bad s-expression: $f"; exit 1; }; done`,
          "opam lint starter.opam 2>&1",
        ].join(" && "),
      );
      expect(check.exitCode, check.all).toBe(0);
      expect(check.all).toMatch(/starter\.opam: Passed/);
    },
    300_000,
  );
});

describe("compare", () => {
  // mpi and rpc-parallel (programs of their own) when the toolchain has their libraries
  const names = loadCatalog()
    .find((m) => m.name === "compare")!
    .approaches!.filter((a) => sourcesGiven || !a.program);
  const every = findTemplate(
    loadCatalog(),
    "compare",
    undefined,
    names.map((a) => a.name),
  );
  it("with every approach: the test passes and the bench's CSV has a correct row per approach and worker count", async () => {
    const project = await generate(every, ["--approaches", every.chosen!.map((a) => a.name).join(",")]);
    const r = await inForky(
      `cd ${project.inside} && dune build 2>&1 && dune test 2>&1 && dune build @fmt 2>&1 && opam lint starter.opam 2>&1 && ./_build/default/bin/bench.exe -n 100000 -w 3 --csv 2>/dev/null`,
    );
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toContain(`${every.chosen!.length} approaches agree with the sequential answers`);
    const csv = r.all.slice(r.all.indexOf("approach,workers,")).trim().split("\n");
    expect(csv[0]).toBe("approach,workers,seconds,speedup,efficiency,correct");
    const rows = csv.slice(1).map((l) => l.split(","));
    // Parany refuses more workers than cores (the bench says so on stderr and leaves the row out)
    const cores = Number((await inForky("getconf _NPROCESSORS_ONLN")).all!.trim());
    expect(rows.map((c) => `${c[0]} ${c[1]}`)).toEqual([
      "sequential 1",
      ...every.chosen!.flatMap((a) => [1, 2, 3].filter((w) => a.name !== "parany" || w <= cores).map((w) => `${a.name} ${w}`)),
    ]);
    for (const c of rows) {
      expect(c).toHaveLength(6);
      expect(Number(c[2])).toBeGreaterThan(0);
      expect(c[5]).toBe("yes");
    }
    const markdown = await inForky(`cd ${project.inside} && ./_build/default/bin/bench.exe -n 50000 -w 1 --markdown`);
    expect(markdown.exitCode, markdown.all).toBe(0);
    expect(markdown.all).toMatch(
      /\| approach \| workers \| time \(s\) \| speedup \| efficiency \| correct \|\n\|---\|---:\|---:\|---:\|---:\|---\|\n\| sequential \| 1 \|/,
    );
  }, 900_000);
});
