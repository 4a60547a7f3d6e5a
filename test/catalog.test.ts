import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTemplate, loadCatalog, parseManifest, templatesDir } from "../src/catalog.js";
import { CreateError } from "../src/errors.js";
import { tempDir } from "./helpers/cli.js";

const domains = readFileSync(join(templatesDir, "domains/template.json"), "utf8");
const broken = (edit: (m: Record<string, unknown>) => void) => {
  const m = JSON.parse(domains);
  edit(m);
  return () => parseManifest(JSON.stringify(m), "templates/domains/template.json", "domains");
};

describe("catalog", () => {
  it("loads every manifest, each naming its folder", () => {
    const catalog = loadCatalog();
    expect(catalog.map((m) => m.name)).toContain("domains");
    for (const m of catalog) expect(m.checkedAgainst.files.length).toBeGreaterThan(0);
  });

  it.each([
    ["a missing field", (m: Record<string, unknown>) => delete m.summary, /template\.json: summary: a non-empty string/],
    ["a bad kind", (m: Record<string, unknown>) => (m.kind = "gpu"), /kind: one of io-concurrency, multicore, distributed/],
    ["a bad OCaml floor", (m: Record<string, unknown>) => (m.ocaml = "five"), /ocaml: a version like/],
    ["an unknown field", (m: Record<string, unknown>) => (m.colour = "red"), /colour: not a known field/],
    [
      "a bad constraint",
      (m: Record<string, unknown>) => (m.opam = [{ name: "eio", constraints: [">=1.0"] }]),
      /opam: \[0\] constraints: \[0\] a constraint like/,
    ],
    ["a name unlike the folder", (m: Record<string, unknown>) => (m.name = "other"), /name: must be "domains"/],
  ])("refuses %s, naming the file and the field", (_, edit, message) => {
    expect(broken(edit)).toThrowError(CreateError);
    expect(broken(edit)).toThrowError(message);
  });

  it("refuses a file that is not JSON", () => {
    expect(() => parseManifest("{", "x/template.json", "x")).toThrowError(/x\/template\.json: not valid JSON/);
  });

  it("reads a folder of manifests and fails on the broken one", () => {
    const dir = tempDir("cop-catalog-");
    mkdirSync(join(dir, "good"));
    mkdirSync(join(dir, "_layer"));
    writeFileSync(join(dir, "good/template.json"), domains.replace('"name": "domains"', '"name": "good"'));
    expect(loadCatalog(dir).map((m) => m.name)).toEqual(["good"]);
    mkdirSync(join(dir, "bad"));
    writeFileSync(join(dir, "bad/template.json"), "{}");
    expect(() => loadCatalog(dir)).toThrowError(/bad\/template\.json: name/);
  });

  it("suggests the closest template for an unknown name, never another silently", () => {
    const catalog = loadCatalog();
    expect(findTemplate(catalog, "Domains").name).toBe("domains");
    expect(() => findTemplate(catalog, "domain")).toThrowError(/unknown template "domain"\. Did you mean "domains"\?/);
  });

  it("resolves compare's approaches: the defaults, or the chosen ones in the catalog's order, their opam merged", () => {
    const catalog = loadCatalog();
    const all = catalog.find((m) => m.name === "compare")!.approaches!;
    expect(findTemplate(catalog, "compare").chosen!.map((a) => a.name)).toEqual(all.filter((a) => a.default).map((a) => a.name));
    const picked = findTemplate(catalog, "compare", undefined, ["eio", " Parmap ", "eio"]);
    expect(picked.chosen!.map((a) => a.name)).toEqual(["parmap", "eio"]);
    expect(picked.opam.map((d) => d.name)).toEqual(expect.arrayContaining(["parmap", "eio_main"]));
    expect(picked.opam.map((d) => d.name)).not.toContain("domainslib");
  });

  it("takes mpi and rpc-parallel as programs of their own, with their dependencies and MPI's system package", () => {
    const picked = findTemplate(loadCatalog(), "compare", undefined, ["rpc-parallel", "domains", "mpi"]);
    expect(picked.chosen!.map((a) => a.name)).toEqual(["mpi", "rpc-parallel", "domains"]);
    expect(picked.chosen!.filter((a) => a.program).map((a) => a.name)).toEqual(["mpi", "rpc-parallel"]);
    expect(picked.opam.map((d) => d.name)).toEqual(expect.arrayContaining(["mpi", "rpc_parallel", "async"]));
    expect(picked.system.map((s) => s.command)).toEqual(["mpirun"]);
  });

  it.each([
    [["eio"], /choose at least two to compare/],
    [["eio", "eio"], /choose at least two to compare/],
    [["eio", "rayon"], /no approach "rayon"; its approaches: parmap, parany/],
    [["eio", "lwt"], /lwt cannot be one of the compare template's approaches: it does not run the shared CPU workload; generate --template lwt/],
  ])("refuses --approaches %j with the reason", (names, message) => {
    expect(() => findTemplate(loadCatalog(), "compare", undefined, names)).toThrowError(message);
  });

  it("refuses --approaches for a template without approaches", () => {
    expect(() => findTemplate(loadCatalog(), "eio", undefined, ["a", "b"])).toThrowError(/eio template has no approaches to choose/);
  });
});

describe("README", () => {
  it("lists every template as its manifest says", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const rows = readme.split("\n").filter((l) => /^\| `[a-z][a-z-]*` \|/.test(l));
    expect(rows).toEqual(loadCatalog().map((m) => `| \`${m.name}\` | ${m.summary} | ≥ ${m.ocaml} | ${m.kind} |`));
  });
});
