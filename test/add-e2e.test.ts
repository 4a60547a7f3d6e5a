/**
 * `add` on real projects, built with the real dune in the Debian forky chroot
 * (OCaml 5.4, dune 3.24): a `dune init proj` project with each approach, each
 * of our examples/ with a second approach, a dune-project with comments, odd
 * spacing and two packages, a hand-written .opam, a project that depends on
 * the approach's library already, and a name clash. After each: dune build,
 * dune test, dune build @fmt and opam lint pass; the new starter prints what
 * its manifest's run.expect says; the user's own code still builds, runs and
 * passes its tests; and the files differ from before only as intended.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { addableTemplates } from "../src/add/plan.js";
import { allTemplates, librariesOf, loadCatalog, type Template, templateId } from "../src/catalog/catalog.js";
import { outputOf, repo, runCli, snapshot } from "./helpers/cli.js";
import { forkyRoot, forkyWorkDir, inForky, keepForkyWorkDir, removeForkyWorkDirs } from "./helpers/forky.js";

afterAll(removeForkyWorkDirs);

const root = forkyRoot();
const installed = new Set(
  execFileSync("bash", [join(repo, "scripts/forky-toolchain.sh"), "run", "ocamlfind", "list"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  })
    .split("\n")
    .map((l) => l.split(" ")[0]),
);
const WITH_OCAML = new Set(["unix", "threads", "threads.posix", "str", "dynlink"]);
const missing = (m: Template) => librariesOf(m).filter((l) => !WITH_OCAML.has(l) && !installed.has(l));

const addable = new Set(addableTemplates().map((m) => m.name));
/** Every template and variant `add` can bring, by id (domains-domainslib). */
const approaches = allTemplates().filter((m) => addable.has(m.name));
const byId = (id: string) => allTemplates(loadCatalog()).find((m) => templateId(m) === id)!;
for (const m of approaches)
  if (missing(m).length) console.warn(`add-e2e: ${templateId(m)} is skipped: the chroot lacks ${missing(m).join(", ")} (ocamlfind list)`);

/** Whether `after` is `before` with text inserted at one place: every other byte the same. */
function isInsertion(before: string, after: string): boolean {
  let prefix = 0;
  while (prefix < before.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  return after.length >= before.length && prefix + suffix >= before.length;
}

/** Writes `files` (relative paths) into `dir`, with their folders. */
function writeFiles(dir: string, files: Record<string, string>) {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
}

/**
 * The project's files, dune's output left out: `_build`, and the `compile_commands.json` (for C
 * editors) that dune writes at the root of a project with C stubs under `dune init`'s (lang dune
 * 3.24), as after adding ctypes (our own projects' 3.11 gets none).
 */
const files = (dir: string) =>
  Object.fromEntries(Object.entries(snapshot(dir)).filter(([f]) => !f.startsWith("_build/") && f !== "compile_commands.json"));

/** A folder in the chroot for one project: [outside, inside]; kept if the test fails. */
function workDir(prefix: string): [string, string] {
  const [outside, inside] = forkyWorkDir(root, prefix);
  onTestFinished(({ task }) => {
    if (task.result?.state === "fail") keepForkyWorkDir(outside);
  });
  return [outside, inside];
}

/** Runs `add` (the built CLI) in the project; returns its JSON result. */
async function addTo(dir: string, args: string[]) {
  const r = await runCli(["add", ...args, "--json"], { cwd: dir });
  expect(r.exitCode, outputOf(r)).toBe(0);
  return JSON.parse(String(r.stdout)) as {
    library: string;
    publicName: string;
    directory: string;
    files: string[];
    edited: string[];
    next: string[];
    dependencies: { added: string[]; kept: { name: string }[] };
  };
}

/**
 * Adds `m` to the project at [outside, inside] and checks everything: returns the
 * result and the files before, for the caller's checks of what changed.
 */
async function addAndCheck(outside: string, inside: string, m: Template, extra: string[] = [], user = "") {
  const lint = () => inForky(`cd ${inside} && for f in *.opam; do opam lint "$f" 2>&1; done`);
  const lintBefore = await lint();
  const before = files(outside);
  const variant = m.variant ? ["--variant", m.variant.name] : [];
  const result = await addTo(outside, [m.name, ...variant, ...extra]);
  const after = files(outside);
  // new files only in the approach's folder; no file removed; only the files said edited changed
  for (const f of Object.keys(before)) expect(f in after, f).toBe(true);
  const added = Object.keys(after).filter((f) => !(f in before));
  expect(added.sort()).toEqual(result.files.map((f) => f).sort());
  for (const f of added) expect(f.startsWith(`${result.directory}/`), f).toBe(true);
  const changed = Object.keys(before).filter((f) => before[f] !== after[f]);
  expect(changed.sort()).toEqual([...result.edited].sort());

  const build = await inForky(
    `cd ${inside} && dune build 2>&1 && dune build @install 2>&1 && dune test --force 2>&1 && dune build @fmt 2>&1`,
    900_000,
  );
  expect(build.exitCode, build.all).toBe(0);
  // the approach's test ran and passed
  expect(build.all).toMatch(new RegExp(m.run.testExpect));
  // the build changed no file of the project: the .opam files are what dune generates
  expect(files(outside)).toEqual(after);
  // opam lint says of the .opam files what it said before
  const lintAfter = await lint();
  expect(lintAfter.exitCode, lintAfter.all).toBe(0);
  expect(lintAfter.all).toBe(lintBefore.all);
  const starter = result.next[result.next.length - 1];
  const runs = [`echo '== starter'; ${starter} ${m.run.testArgs.join(" ")} 2>&1`, ...(user ? [`echo '== user'; ${user} 2>&1`] : [])];
  const r = await inForky(`cd ${inside} && ${runs.join(" && ")}`, 900_000);
  expect(r.exitCode, r.all).toBe(0);
  const [, starterOutput, userOutput] = r.all!.split(/^== (?:starter|user)$/m);
  expect(starterOutput).toMatch(new RegExp(m.run.expect ?? "."));
  return { result, before, after, build: build.all!, user: userOutput ?? "" };
}

/** A `dune init proj foo` project, made by the real dune; its test prints a line, so it is seen to run. */
async function duneInit(prefix: string): Promise<[string, string]> {
  const [outside, inside] = workDir(prefix);
  const r = await inForky(`cd ${inside} && dune init proj foo 2>&1 && cd foo && dune build 2>&1`);
  expect(r.exitCode, r.all).toBe(0);
  writeFileSync(join(outside, "foo/test/test_foo.ml"), 'let () = print_endline "the user\'s own test ran"\n');
  return [join(outside, "foo"), `${inside}/foo`];
}

describe("add to a `dune init proj` project", () => {
  // skipped when the chroot lacks the approach's libraries: said when the file is collected
  it.each(approaches.filter((m) => !missing(m).length).map((m) => [templateId(m), m] as const))(
    "%s",
    async (_, m) => {
      const [outside, inside] = await duneInit(`add-init-${templateId(m)}-`);
      const { result, before, after, build, user } = await addAndCheck(outside, inside, m, [], "dune exec ./bin/main.exe");
      expect(user).toContain("Hello, World!");
      expect(build).toContain("the user's own test ran");
      expect(result.library).toBe(`foo_${templateId(m).replace(/-/g, "_")}`);
      // dune-project: only the package's depends changed, laid out as dune lays it out
      const added = result.dependencies.added;
      if (added.length === 0) expect(after["dune-project"]).toBe(before["dune-project"]);
      else {
        const entries = [
          "ocaml",
          ...added.map((d) =>
            d
              .replace(/^\((\S+) \(and (.*)\)\)$/, "($1\n   (and\n    $2))")
              .replace(/\) \(/g, ")\n    (")
              .replace(/^\((\S+) (\([^()]*\))\)$/, "($1\n   $2)"),
          ),
        ];
        expect(after["dune-project"]).toBe(before["dune-project"].replace(" (depends ocaml)", ` (depends\n  ${entries.join("\n  ")})`));
        expect(isInsertion(before["foo.opam"], after["foo.opam"])).toBe(true);
      }
    },
    900_000,
  );
});

describe("add a second approach to each of our examples", () => {
  const examples = allTemplates().map(templateId);
  // each example gets the next approach that is not its own
  const ids = approaches.map(templateId);
  const second = (example: string) => ids[(Math.max(ids.indexOf(example), 0) + 1) % ids.length];
  const buildable = examples.filter((e) => ![...missing(byId(e)), ...missing(byId(second(e)))].length);
  for (const e of examples)
    if (!buildable.includes(e)) console.warn(`add-e2e: examples/${e} + ${second(e)} is skipped: the chroot lacks a library of one of them`);
  it.each(buildable.map((e) => [e, second(e)] as const))(
    "examples/%s + %s",
    async (example, id) => {
      const m = byId(id);
      const own = byId(example);
      const [outside, inside] = workDir(`add-example-${example}-`);
      cpSync(join(repo, "examples", example), join(outside, "proj"), { recursive: true });
      const { result, before, after, build, user } = await addAndCheck(
        join(outside, "proj"),
        `${inside}/proj`,
        m,
        [],
        `${own.run.command ?? "dune exec ./bin/main.exe --"} ${own.run.testArgs.join(" ")}`,
      );
      // the example's own starter and test still work
      expect(user).toMatch(new RegExp(own.run.expect ?? "."));
      expect(build).toMatch(new RegExp(own.run.testExpect));
      for (const f of result.edited) expect(isInsertion(before[f], after[f]), f).toBe(true);
    },
    900_000,
  );
});

describe.skipIf(missing(byId("eio")).length > 0 || missing(byId("lwt")).length > 0)("add to projects of other shapes (eio and lwt)", () => {
  it("a dune-project with comments, odd spacing and two packages (--package), and a root .ocamlformat of another profile", async () => {
    const m = byId("eio");
    const [outside, inside] = workDir("add-odd-");
    const project = {
      // dune wants (lang dune X) alone on the first line
      "dune-project": `(lang dune 3.11)
; two packages share this project   ; (the dune language is above)

(name    odd)
(generate_opam_files)
   ;    an indented comment
(source (github ada/odd))   (license MIT)
(authors "Ada <ada@example.com>") (maintainers "Ada <ada@example.com>")
(package (name odd-core)   (synopsis "The core")
   (depends
      (ocaml (>= 5.1))   ; a floor
      dune))
(package
    (name odd-tools)
        (synopsis "Tools, \\"quoted\\" (and parenthesised)")
    (depends odd-core))   ; the tools need the core
`,
      ".ocamlformat": "profile = janestreet\nversion = 0.29.0\n",
      "src/dune": "(library\n (name odd_core)\n (public_name odd-core))\n",
      "src/odd_core.ml": "let answer = 42\n",
      "tools/dune": "(executable\n (name tool)\n (public_name odd-tool)\n (package odd-tools)\n (libraries odd_core))\n",
      "tools/tool.ml": 'let () = Printf.printf "odd tool: %d\\n" Odd_core.answer\n',
      "tests/dune": "(test\n (name test_odd)\n (package odd-core)\n (libraries odd_core))\n",
      "tests/test_odd.ml": 'let () = assert (Odd_core.answer = 42)\nlet () = print_endline "the user\'s own test ran"\n',
    };
    writeFiles(outside, project);
    // the .opam files as dune generates them
    const gen = await inForky(`cd ${inside} && (dune build @install --auto-promote >/dev/null 2>&1; dune build @install 2>&1)`);
    expect(gen.exitCode, gen.all).toBe(0);
    const refused = await runCli(["add", "eio"], { cwd: outside });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("several packages (odd-core, odd-tools): pass --package NAME");
    const { result, before, after, build, user } = await addAndCheck(outside, inside, m, ["--package", "odd-tools"], "dune exec odd-tool");
    expect(user).toContain("odd tool: 42");
    expect(build).toContain("the user's own test ran");
    expect(result.edited.sort()).toEqual(["dune-project", "odd-tools.opam"]);
    // the entries go after `odd-core`, indented as it is; every other byte (comments, spacing) as it was
    expect(after["dune-project"]).toBe(
      before["dune-project"].replace("(depends odd-core))", "(depends odd-core (ocaml (>= 5.2)) (eio_main (>= 1.3))))"),
    );
    expect(isInsertion(before["odd-tools.opam"], after["odd-tools.opam"])).toBe(true);
    expect(after["parallel/eio/bin/dune"]).toContain("(package odd-tools)");
    // the other package still builds and tests alone (as opam builds it), the approach's stanzas left out
    const alone = await inForky(`cd ${inside} && dune build -p odd-core @install @runtest 2>&1`);
    expect(alone.exitCode, alone.all).toBe(0);
  }, 900_000);

  it("a folder add refuses is one the real dune does not build or test; an odd layout it accepts (dirs with \\, vendored_dirs elsewhere, subdir, CRLF lines, a range) builds", async () => {
    const m = byId("eio");
    // code that fails to compile and a test that fails, in parallel/eio/: dune build and dune test pass only if dune skips them
    const broken = {
      "parallel/eio/x/dune": "(executable\n (name broken))\n\n(test\n (name fails))\n",
      "parallel/eio/x/broken.ml": "let () = 1\n",
      "parallel/eio/x/fails.ml": "let () = exit 1\n",
    };
    for (const dune of [
      "(vendored_dirs parallel)\n",
      "(subdir parallel (dirs :standard \\ eio))\n",
      "(dirs :standard \\ para*)\n",
      "(subdir parallel (data_only_dirs eio))\n",
    ]) {
      const [outside, inside] = await duneInit("add-skipped-");
      writeFiles(outside, { dune, ...broken });
      const built = await inForky(`cd ${inside} && dune build 2>&1 && dune test 2>&1`);
      expect(built.exitCode, `${dune}: ${built.all}`).toBe(0);
      rmSync(join(outside, "parallel/eio"), { recursive: true });
      const before = files(outside);
      const r = await runCli(["add", "eio"], { cwd: outside });
      expect(r.exitCode, dune).toBe(1);
      expect(r.stderr, dune).toMatch(/so dune would not (look into|build) parallel|vendored_dirs/);
      expect(files(outside)).toEqual(before);
    }
    const [outside, inside] = await duneInit("add-accepted-");
    const crlf = (t: string) => t.replace(/\n/g, "\r\n");
    const layout = {
      dune: "(dirs :standard \\ node_modules)\n\n(vendored_dirs vendor)\n\n(subdir\n parallel\n (dirs :standard \\ junk))\n",
      "node_modules/x/dune": "(rule oops\n",
      "vendor/v/dune": "(library\n (name v))\n",
      "vendor/v/v.ml": "let x = 1\n",
    };
    writeFiles(outside, layout);
    const dp = readFileSync(join(outside, "dune-project"), "utf8").replace(
      " (depends ocaml)",
      " (depends\n  (ocaml\n   (and\n    (>= 4.14)\n    (< 6.0))))",
    );
    writeFileSync(join(outside, "dune-project"), crlf(dp));
    const gen = await inForky(`cd ${inside} && (dune build @install --auto-promote >/dev/null 2>&1; dune build @install 2>&1)`);
    expect(gen.exitCode, gen.all).toBe(0);
    const { result, after } = await addAndCheck(outside, inside, m, [], "dune exec ./bin/main.exe");
    expect(result.dependencies.added).toEqual(["(eio_main (>= 1.3))"]);
    expect(after["dune-project"]).toBe(crlf(dp.replace("    (< 6.0))))", "    (< 6.0)))\n  (eio_main\n   (>= 1.3)))")));
  }, 900_000);

  it("a hand-written .opam and no generate_opam_files (dune lang 3.0)", async () => {
    const m = byId("lwt");
    const [outside, inside] = workDir("add-opam-");
    const opam = `opam-version: "2.0"
name: "hand"
version: "0.1"
synopsis: "A hand-written opam file"
maintainer: "Ada <ada@example.com>"
authors: "Ada <ada@example.com>"
license: "MIT"
homepage: "https://example.com/hand"
bug-reports: "https://example.com/hand/issues"
dev-repo: "git+https://example.com/hand.git"
# the dependencies, by hand
depends: [
  "ocaml" {>= "4.14"}
  "dune" {>= "3.0"}   # the build system
]
build: [
  ["dune" "build" "-p" name "-j" jobs]
]
`;
    const project = {
      "dune-project": "(lang dune 3.0)\n(name hand)\n",
      "hand.opam": opam,
      "bin/dune": "(executable\n (public_name hand)\n (name main))\n",
      "bin/main.ml": 'let () = print_endline "hand made"\n',
    };
    writeFiles(outside, project);
    const { after, user } = await addAndCheck(outside, inside, m, [], "dune exec hand");
    expect(user).toContain("hand made");
    expect(after["hand.opam"]).toBe(opam.replace("   # the build system\n", '   # the build system\n  "lwt" {>= "5.7.0"}\n'));
    expect(after["dune-project"]).toBe(project["dune-project"]);
  }, 900_000);

  it("a project that depends on the approach's library already: left alone, its other constraint reported", async () => {
    const m = byId("eio");
    const [outside, inside] = await duneInit("add-has-");
    const dp = readFileSync(join(outside, "dune-project"), "utf8").replace(
      " (depends ocaml)",
      " (depends\n  (ocaml\n   (>= 5.2))\n  (eio_main\n   (>= 1.0)))",
    );
    writeFileSync(join(outside, "dune-project"), dp);
    // the user's own program uses eio
    writeFileSync(join(outside, "bin/dune"), "(executable\n (public_name foo)\n (name main)\n (libraries foo eio_main))\n");
    writeFileSync(join(outside, "bin/main.ml"), 'let () = Eio_main.run @@ fun _ -> print_endline "Hello from Eio"\n');
    const gen = await inForky(`cd ${inside} && (dune build @install --auto-promote >/dev/null 2>&1; dune build @install 2>&1)`);
    expect(gen.exitCode, gen.all).toBe(0);
    const { result, before, after, user } = await addAndCheck(outside, inside, m, [], "dune exec foo");
    expect(user).toContain("Hello from Eio");
    expect(result.dependencies.added).toEqual([]);
    expect(result.dependencies.kept.map((k) => k.name)).toEqual(["eio_main"]);
    expect(result.edited).toEqual([]);
    expect(after["dune-project"]).toBe(before["dune-project"]);
  }, 900_000);

  it("a name clash: the project has a library foo_lwt and a starter foo-lwt, so the approach's are numbered", async () => {
    const m = byId("lwt");
    const [outside, inside] = await duneInit("add-clash-");
    mkdirSync(join(outside, "extras"));
    writeFileSync(
      join(outside, "extras/dune"),
      "(library\n (name foo_lwt)\n (modules foo_lwt))\n\n(executable\n (name tool)\n (public_name foo-lwt)\n (modules tool)\n (libraries foo_lwt))\n",
    );
    writeFileSync(join(outside, "extras/foo_lwt.ml"), 'let greeting = "the user\'s foo_lwt"\n');
    writeFileSync(join(outside, "extras/tool.ml"), "let () = print_endline Foo_lwt.greeting\n");
    const { result, user } = await addAndCheck(outside, inside, m, [], "dune exec foo-lwt");
    expect(user).toContain("the user's foo_lwt");
    expect(result).toMatchObject({ library: "foo_lwt_2", publicName: "foo-lwt-2" });
    expect((result as unknown as { clashes: string[] }).clashes).toEqual([
      "the library foo_lwt (extras/dune)",
      "foo_lwt, a library the project uses (extras/dune)",
      "the module Foo_lwt (extras/dune)",
      "the public name foo-lwt (extras/dune)",
    ]);
  }, 900_000);
});
