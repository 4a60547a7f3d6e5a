import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allTemplates, findTemplate, floorText, loadCatalog, parseManifest, templateId } from "../src/catalog/catalog.js";
import { CreateError } from "../src/errors.js";
import { templatesDir } from "../src/package-files.js";
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

  it.each([
    [["kernel.c"], /cStubs: \[0\] a C file's name without \.c/],
    [["other_kernel"], /approaches: ctypes: cStubs: other_kernel: approaches\/other_kernel\.c is not borrowed/],
  ])("refuses compare's ctypes approach with cStubs %j", (stubs, message) => {
    const m = JSON.parse(readFileSync(join(templatesDir, "compare/template.json"), "utf8"));
    m.approaches.find((a: { name: string }) => a.name === "ctypes").cStubs = stubs;
    expect(() => parseManifest(JSON.stringify(m), "templates/compare/template.json", "compare")).toThrowError(message);
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
    expect(picked.system.map((s) => s.command)).toEqual(["mpirun", "pkg-config"]);
    // the floor follows the approaches: rpc-parallel's 5.1 is above compare's own 5.0
    expect([picked.ocaml, findTemplate(loadCatalog(), "compare", undefined, ["domains", "mpi"]).ocaml]).toEqual(["5.1", "5.0"]);
  });

  it.each([
    [["eio"], /choose at least two different approaches to compare, among/],
    [["eio", "eio"], /choose at least two different approaches to compare \(eio is the only one given, 2 times\)/],
    [["rayon"], /no approach "rayon"; its approaches: parmap, parany.* \(or all\)/],
    [["eio", "rayon"], /no approach "rayon"; its approaches: parmap, parany/],
    [["eio;domains"], /--approaches takes names separated by commas, not "eio;domains"/],
    [["eio domains"], /--approaches takes names separated by commas, not "eio domains"/],
    [
      ["eio", "lwt"],
      /lwt cannot be one of the compare template's approaches: it does not run the shared CPU workload; generate --template lwt/,
    ],
  ])("refuses --approaches %j with the reason", (names, message) => {
    expect(() => findTemplate(loadCatalog(), "compare", undefined, names)).toThrowError(message);
  });

  it("--approaches all is every approach", () => {
    const every = loadCatalog()
      .find((m) => m.name === "compare")!
      .approaches!.map((a) => a.name);
    expect(findTemplate(loadCatalog(), "compare", undefined, ["all"]).chosen!.map((a) => a.name)).toEqual(every);
  });

  it("refuses --variant for compare, which has approaches, not variants", () => {
    expect(() => findTemplate(loadCatalog(), "compare", "zzz")).toThrowError(/compare template has no variants; leave out --variant/);
  });

  it("refuses --approaches for a template without approaches", () => {
    expect(() => findTemplate(loadCatalog(), "eio", undefined, ["a", "b"])).toThrowError(/eio template has no approaches to choose/);
  });
});

describe("README", () => {
  it("lists every template and variant with its floors as its manifest says", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const rows = readme.split("\n").filter((l) => /^\| `[a-z][a-z -]*` \|/.test(l));
    const catalog = loadCatalog();
    const expected = allTemplates(catalog).map((m) => {
      const base = catalog.find((b) => b.name === m.name)!;
      const variant =
        m.variant && base.variants![0].name !== m.variant.name ? base.variants!.find((v) => v.name === m.variant!.name) : undefined;
      // compare: its own floor, and each approach's that is higher
      const ocaml = [`≥ ${base.ocaml}`, ...(base.approaches ?? []).filter((a) => a.ocaml).map((a) => `with ${a.name} ≥ ${a.ocaml}`)].join(
        "; ",
      );
      return variant
        ? `| \`${m.name} --variant ${variant.name}\` | ${variant.summary} | ≥ ${m.ocaml} | ${floorText(m.floor)} | ${m.kind} |`
        : `| \`${m.name}\` | ${base.summary} | ${ocaml} | ${floorText(base.floor)} | ${m.kind} |`;
    });
    expect(rows).toEqual(expected);
  });
});

describe("system packages", () => {
  // what scripts/depexts.mjs recorded from opam-repository (test/opam-solve.test.ts checks it is current)
  const record = JSON.parse(readFileSync(join(templatesDir, "depexts.json"), "utf8"));
  const catalog = loadCatalog();
  const units = [
    ...allTemplates(catalog).map((m) => [templateId(m), m.system] as const),
    ...catalog.flatMap((m) => (m.approaches ?? []).map((a) => [`${m.name}:${a.name}`, a.system ?? []] as const)),
  ];

  it("every template, variant and approach has a record (else: node scripts/depexts.mjs)", () => {
    expect(Object.keys(record.needs).sort()).toEqual(units.map(([id]) => id).sort());
  });

  it.each(units)("%s needs the system packages opam's depexts ask for on Debian/Ubuntu, Fedora and Homebrew", (id, system) => {
    expect(system.map((s) => s.opam).sort()).toEqual(record.needs[id]);
    for (const s of system) {
      const asked = record.depexts[s.opam];
      expect({ apt: s.apt, dnf: s.dnf, brew: s.brew }, s.opam).toEqual({ apt: asked.debian, dnf: asked.fedora, brew: asked.homebrew });
      expect(asked.ubuntu, `${s.opam}: Ubuntu and Debian ask for the same`).toBe(asked.debian);
    }
  });
});
