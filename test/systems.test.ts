/** The wider catalog of systems (templates/systems.json): its checks, --list --all, and advice instead of "unknown". */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../src/catalog/catalog.js";
import { loadSystems } from "../src/catalog/systems.js";
import { templatesDir } from "../src/package-files.js";
import { exists, outputOf, runCli, tempDir } from "./helpers/cli.js";

const catalog = loadCatalog();
const { systems } = loadSystems(catalog);
const text = readFileSync(join(templatesDir, "systems.json"), "utf8");

/** systems.json with one system edited, written to a temporary file and loaded. */
function loadEdited(name: string, edit: (s: Record<string, unknown>) => void) {
  const data = JSON.parse(text);
  edit(data.systems.find((s: { name: string }) => s.name === name));
  const file = join(tempDir("cop-systems-"), "systems.json");
  writeFileSync(file, JSON.stringify(data));
  return () => loadSystems(catalog, file);
}

describe("systems.json", () => {
  it("knows every system of the ocamlverse page and today's usual ones", () => {
    const names = systems.map((s) => s.name);
    for (const name of [
      "eio",
      "lwt",
      "async",
      "luv",
      "parmap",
      "parany",
      "hack_parallel",
      "lwt-parallel",
      "forkwork",
      "ctypes-threads",
      "nproc",
      "netmulticore",
      "domains",
      "rpc-parallel",
      "functory",
      "mpi",
      "ocaml-rpc",
      "distributed",
      "reactor",
      "domainslib",
      "moonpool",
      "picos",
      "miou",
      "kcas",
    ])
      expect(names).toContain(name);
  });

  it("covers every template", () => {
    for (const m of catalog.filter((t) => !t.approaches))
      expect(
        systems.some((s) => s.template?.name === m.name),
        m.name,
      ).toBe(true);
  });

  it.each([
    [
      "a template that does not exist",
      "eio",
      (s: Record<string, unknown>) => (s.template = { name: "eio2" }),
      /eio: template: no template "eio2"/,
    ],
    [
      "a variant that does not exist",
      "domainslib",
      (s: Record<string, unknown>) => (s.template = { name: "domains", variant: "pool" }),
      /domains has no variant "pool"/,
    ],
    [
      "advice naming no template",
      "functory",
      (s: Record<string, unknown>) => (s.instead = ["functory"]),
      /functory: instead: no template "functory"/,
    ],
    [
      "no advice and no template",
      "nproc",
      (s: Record<string, unknown>) => delete s.why,
      /nproc: without a template it needs why and instead/,
    ],
    [
      "a bad status",
      "nproc",
      (s: Record<string, unknown>) => (s.status = "gone"),
      /status: one of maintained, low activity, dormant, dead/,
    ],
    [
      "OCaml bounds that would not read as such",
      "lwt",
      (s: Record<string, unknown>) => (s.ocaml = ">= 4.14 (6.x); 5.10 >= 4.08"),
      /systems: \[1\] ocaml: OCaml bounds: /,
    ],
    ["OCaml bounds in free text", "reactor", (s: Record<string, unknown>) => (s.ocaml = "works with OCaml 4"), /ocaml: OCaml bounds: /],
  ])("refuses %s, naming the file and the system", (_, name, edit, message) => {
    expect(loadEdited(name, edit)).toThrowError(/systems\.json: /);
    expect(loadEdited(name, edit)).toThrowError(message);
  });
});

describe("--list --all", () => {
  /** The listing's lines, each wrapped one joined back (its continuations are indented to the facts' column). */
  const unwrapped = (stdout: unknown) =>
    String(stdout)
      .replace(/\n {30,}/g, " ")
      .split("\n");

  it("shows each system with its status and facts, and its template or the advice", async () => {
    const r = await runCli(["--list", "--all"]);
    expect(r.exitCode, outputOf(r)).toBe(0);
    const lines = unwrapped(r.stdout);
    for (const s of systems) {
      const at = lines.findIndex((l) => l.startsWith(`  ${s.name} `));
      expect(at, s.name).toBeGreaterThan(-1);
      expect(lines[at]).toContain(s.status);
      expect(lines[at]).toContain(s.latest);
      expect(lines[at + 1]).toContain(
        s.template ? `→ --template ${s.template.name}` : `no template: ${s.why}; use ${s.instead!.join(" or ")}`,
      );
    }
  });

  it("the OCaml column reads as bounds for every system: each clause names OCaml once", async () => {
    const lines = unwrapped((await runCli(["--list", "--all"])).stdout);
    for (const s of systems) {
      const column = lines.find((l) => l.startsWith(`  ${s.name} `))!.split(" | ")[1];
      expect(column, s.name).toBeDefined();
      for (const clause of column.split("; "))
        expect(clause, `${s.name}: ${column}`).toMatch(/^(OCaml [<>=\d]|any OCaml( \(.*\))?$|[a-z][a-z0-9_-]*: OCaml [<>=])/);
      expect(column.match(/OCaml/g)).toHaveLength(column.split("; ").length);
    }
  });

  it("--json gives the file's data", async () => {
    const r = await runCli(["--list", "--all", "--json"]);
    expect(JSON.parse(String(r.stdout))).toEqual(JSON.parse(text));
  });

  it("--all alone is an error", async () => {
    const r = await runCli(["--all"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("--all goes with --list");
  });
});

describe("asking for a system that is not a template", () => {
  it.each(systems.filter((s) => !s.template).map((s) => [s.name, s] as const))(
    "--template %s exits 1 with the advice, writing nothing",
    async (name, s) => {
      const cwd = tempDir();
      const r = await runCli(["app", "--template", name, "--yes"], { cwd });
      expect(r.exitCode, outputOf(r)).toBe(1);
      expect(r.stderr).toContain(`${s.title} has no template: ${s.why}`);
      for (const t of s.instead!) expect(r.stderr).toContain(`--template ${t}`);
      expect(r.stderr).not.toContain("unknown template");
      expect(exists(join(cwd, "app"))).toBe(false);
    },
  );

  it("a system's other spelling points to its template", async () => {
    const r = await runCli(["app", "--template", "rpc_parallel"], { cwd: tempDir() });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("Rpc_parallel is covered by --template rpc-parallel");
    const lib = await runCli(["app", "--template", "domainslib"], { cwd: tempDir() });
    expect(lib.stderr).toContain("--template domains --variant domainslib");
  });
});
