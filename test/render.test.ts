import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTemplate, loadCatalog } from "../src/catalog/catalog.js";
import { article, outputPath, quoted, renderProject } from "../src/create/render.js";
import { duneDepends, opamDepends } from "../src/dune/depends.js";
import { formatDune } from "../src/dune/format.js";
import { projectNames } from "../src/names.js";
import { OCAMLFORMAT_VERSION } from "../src/versions.js";
import { tempDir } from "./helpers/cli.js";

const names = projectNames("my-app");
const domains = () => findTemplate(loadCatalog(), "domains");

describe("escaping free text for its target", () => {
  it("quotes for OCaml, dune and opam, on one line", () => {
    expect(quoted('A "B" \\ C')).toBe('"A \\"B\\" \\\\ C"');
    expect(quoted("a\nb\r\tc")).toBe('"a b c"');
  });
});

describe("dependencies", () => {
  const manifest = {
    ...domains(),
    ocaml: "5.2",
    opam: [
      { name: "eio_main", constraints: [">= 1.3"] },
      { name: "lwt", constraints: [">= 5.7", "< 7.0"] },
      { name: "alcotest", constraints: [], test: true },
      { name: "qcheck", constraints: [">= 0.20"], test: true },
    ],
  };
  it("in dune-project, as dune fmt lays them out", () => {
    expect(formatDune(`(depends\n${duneDepends(manifest)})`)).toBe(
      [
        "(depends",
        " (ocaml",
        "  (>= 5.2))",
        " dune",
        " (eio_main",
        "  (>= 1.3))",
        " (lwt",
        "  (and",
        "   (>= 5.7)",
        "   (< 7.0)))",
        " (alcotest :with-test)",
        " (qcheck",
        "  (and",
        "   :with-test",
        "   (>= 0.20))))",
        "",
      ].join("\n"),
    );
  });
  it("in the .opam, as dune generates it", () => {
    expect(opamDepends(manifest, "3.11")).toBe(
      [
        '  "ocaml" {>= "5.2"}',
        '  "dune" {>= "3.11"}',
        '  "eio_main" {>= "1.3"}',
        '  "lwt" {>= "5.7" & < "7.0"}',
        '  "alcotest" {with-test}',
        '  "qcheck" {with-test & >= "0.20"}',
      ].join("\n"),
    );
  });
});

describe("rendering", () => {
  it("maps template paths to project paths without handlebars", () => {
    expect(outputPath("_gitignore", names)).toBe(".gitignore");
    expect(outputPath("__package__.opam.hbs", names)).toBe("my-app.opam");
    expect(outputPath("test/test___library__.ml.hbs", names)).toBe("test/test_my_app.ml");
    expect(outputPath("lib/{{x}}.ml", names)).toBe("lib/{{x}}.ml");
  });

  it("compare's README names each approach's library, or the program of its own (mpi, rpc-parallel): none that does not exist", () => {
    const dir = tempDir("cop-render-");
    const manifest = findTemplate(loadCatalog(), "compare", undefined, ["all"]);
    renderProject({ manifest, names, author: "A <a@b.c>" }, dir);
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    expect(readme).toContain("- `mpi` (a program of its own, `approaches/mpi/mpi_ranks.exe`)");
    expect(readme).toContain("- `domains` (library `domains_approach`)");
    expect(readme).not.toMatch(/mpi_approach|rpc-parallel_approach/);
  });

  it("keeps GitHub Actions expressions and quotes the author in every file", () => {
    const dir = tempDir("cop-render-");
    const author = 'Zoë "Z" O\'Neil & <z@example.com> {{x}} %{y} $HOME';
    const files = renderProject({ manifest: domains(), names, author }, dir);
    expect(files).toContain(".github/workflows/ci.yml");
    const workflow = readFileSync(join(dir, ".github/workflows/ci.yml"), "utf8");
    expect(workflow).toContain("runs-on: ${{ matrix.os }}");
    const project = readFileSync(join(dir, "dune-project"), "utf8");
    expect(project).toContain(`(authors "Zoë \\"Z\\" O'Neil & <z@example.com> {{x}} \\%{y} $HOME")`);
    const opam = readFileSync(join(dir, "my-app.opam"), "utf8");
    expect(opam).toContain(`authors: ["Zoë \\"Z\\" O'Neil & <z@example.com> {{x}} %{y} $HOME"]`);
    expect(opam).not.toMatch(/&amp;|&quot;|&lt;/);
  });

  it("moves an opam field's value to the next line past 77 bytes, as dune does", () => {
    const dir = tempDir("cop-render-");
    renderProject({ manifest: domains(), names: projectNames("a".repeat(50)), author: "Short <s@x.y>" }, dir);
    const opam = readFileSync(join(dir, `${"a".repeat(50)}.opam`), "utf8");
    expect(opam).toContain('authors: ["Short <s@x.y>"]\n');
    expect(opam).toContain(`homepage:\n  "https://github.com/username/${"a".repeat(50)}"\n`);
  });
});

describe("the generated .gitignore", () => {
  // each job's output file as Slurm names it (%x the job's name, %j its id, %A_%a an array's id and task)
  const outputs = (script: string) =>
    [...script.matchAll(/^#SBATCH --output=(\S+)$/gm)].map((m) =>
      m[1].replace("%x", "my-app").replace("%j", "123").replace("%A", "123").replace("%a", "0"),
    );
  it.each(
    loadCatalog()
      .filter((m) => m.run.onSlurm)
      .map((m) => [m.name]),
  )("%s: git ignores what the slurm/ jobs write, and nothing of the project", (name) => {
    const dir = tempDir();
    const files = renderProject({ manifest: findTemplate(loadCatalog(), name), names, author: "A" }, dir);
    const written = loadCatalog()
      .find((m) => m.name === name)!
      .run.onSlurm!.jobs.flatMap((j) => outputs(readFileSync(join(dir, j.script), "utf8")));
    expect(written.length).toBeGreaterThan(0);
    execFileSync("git", ["init", "-q"], { cwd: dir });
    for (const f of written) writeFileSync(join(dir, f), "report\n");
    // check-ignore prints the ignored paths among those given (exit 1 when none is)
    const ignored = (paths: string[]) =>
      spawnSync("git", ["check-ignore", ...paths], { cwd: dir, encoding: "utf8" })
        .stdout.split("\n")
        .filter(Boolean);
    expect(ignored(written)).toEqual(written);
    expect(ignored(files)).toEqual([]);
  });
  it("ignores no .out file where no job writes one", () => {
    const dir = tempDir();
    renderProject({ manifest: domains(), names, author: "A" }, dir);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe("_build/\n_opam/\n*.install\n");
  });
});

describe("the article before a title", () => {
  it.each([
    ["MPI", "An"],
    ["Async", "An"],
    ["Eio", "An"],
    ["OCaml 5 domains", "An"],
    ["Rpc_parallel", "An"],
    ["Lwt", "An"],
    ["HTTP", "An"],
    ["SSH", "An"],
    ["URL", "A"],
    ["Unix", "A"],
    ["Euler", "A"],
    ["Usual", "A"],
    ["Umbrella", "An"],
    ["Domains", "A"],
    ["Luv", "A"],
    ["Parmap", "A"],
    ["Threads", "A"],
    ["Compare", "A"],
  ])("%s: %s", (title, expected) => {
    expect(article(title)).toBe(expected);
  });

  it("the generated README starts with it", () => {
    for (const [template, start] of [
      ["mpi", "An MPI starter"],
      ["async", "An Async starter"],
      ["eio", "An Eio starter"],
      ["domains", "A Domains (stdlib) starter"],
    ]) {
      const dir = tempDir("cop-render-");
      renderProject({ manifest: findTemplate(loadCatalog(), template), names, author: "A <a@b.c>" }, dir);
      const line = readFileSync(join(dir, "README.md"), "utf8").split("\n")[2];
      expect(line.startsWith(`${start} generated by`), line).toBe(true);
    }
  });
});

describe("the generated CI workflow", () => {
  it("builds with dune's cache, and runs setup-ocaml's lint jobs for the formatting (the pinned ocamlformat) and the opam files", () => {
    const dir = tempDir("cop-render-");
    renderProject({ manifest: domains(), names, author: "A <a@b.c>" }, dir);
    const workflow = readFileSync(join(dir, ".github/workflows/ci.yml"), "utf8");
    expect(workflow).toContain("          dune-cache: true\n");
    expect(workflow).toMatch(/\n {2}lint-fmt:\n[\s\S]*- uses: ocaml\/setup-ocaml\/lint-fmt@v3\n/);
    expect(workflow).toMatch(/\n {2}lint-opam:\n[\s\S]*- uses: ocaml\/setup-ocaml\/lint-opam@v3\n/);
    // lint-fmt installs the ocamlformat that .ocamlformat names
    expect(readFileSync(join(dir, ".ocamlformat"), "utf8")).toBe(`profile = default\nversion = ${OCAMLFORMAT_VERSION}\n`);
  });
});
