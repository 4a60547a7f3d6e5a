import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dependencyNames } from "../src/catalog/catalog.js";
import { nameProblem, normaliseName, projectNames } from "../src/names.js";
import { templatesDir } from "../src/package-files.js";

describe("project names", () => {
  it("derives the opam package, library and module", () => {
    expect(projectNames("my-app")).toEqual({ package: "my-app", library: "my_app", module: "My_app" });
    expect(projectNames("collatz2")).toEqual({ package: "collatz2", library: "collatz2", module: "Collatz2" });
  });

  it("normalises case and spaces, and nothing else", () => {
    expect(normaliseName("  My App ")).toBe("my-app");
    expect(normaliseName("MyApp")).toBe("myapp");
    expect(normaliseName("a\tb\nc")).toBe("a-b-c");
    expect(normaliseName("a.b")).toBe("a.b");
  });

  it.each([["my-app"], ["my_app"], ["a"], ["x1-y2_z3"], ["a".repeat(64)]])("accepts %s", (name) => {
    expect(nameProblem(name)).toBeUndefined();
  });

  it.each([
    ["", /empty/],
    ["a".repeat(65), /65 characters/],
    ["1app", /start with a letter/],
    ["_app", /start with a letter/],
    ["-app", /start with a letter/],
    ["../x", /is a path/],
    ["a/b", /is a path/],
    ["a\\b", /is a path/],
    ["my.app", /only contain/],
    ["my app", /only contain/],
    ["café", /only contain/],
    ["a$b", /only contain/],
    ["a{{b}}", /only contain/],
    ["a--b", /repeat/],
    ["a-", /end with/],
    ["let", /keyword/],
    ["module", /keyword/],
    ["effect", /keyword/],
    ["unix", /clashes with a module that templates link \(Unix, in async, compare, ctypes, domains, .*\)/],
    ["domain", /clashes with a module of OCaml's standard library \(Domain\)/],
    ["list", /clashes with a module of OCaml's standard library \(List\)/],
    ["pqueue", /clashes with a module of OCaml's standard library \(Pqueue\)/],
    ["std_exit", /standard library \(Std_exit\)/],
    ["thread", /clashes with a module that templates link \(Thread, in/],
    ["dune", /clashes with the opam package "dune"/],
    ["ocaml", /clashes with the opam package "ocaml"/],
    ["main", /clashes with a module of the generated project \(main in the/],
    ["workload", /clashes with a module of the generated project/],
  ])("refuses %j", (name, reason) => {
    expect(nameProblem(name)).toMatch(reason);
  });

  it("refuses the templates' dependencies, in either spelling", () => {
    expect(nameProblem("eio", ["eio_main", "eio"])).toMatch(/clashes with a module that templates link \(Eio, in compare and eio\)/);
    expect(nameProblem("eio-main", ["eio_main"])).toMatch(/opam package "eio_main"/);
    expect(nameProblem("lwt", ["lwt", "lwt.unix"])).toMatch(/opam package "lwt"/);
    // the recorded toolchain knows them without being told
    expect(nameProblem("lwt", [])).toMatch(/opam package "lwt"/);
    expect(nameProblem("eio-main", [])).toMatch(/opam package "eio_main"/);
    // and the manifests' names count should the record lag behind
    expect(nameProblem("newlib", [])).toBeUndefined();
    expect(nameProblem("newlib", ["newlib.sub"])).toMatch(/library "newlib.sub"/);
  });

  // the names that passed the check and broke the build (test/names-build.test.ts builds some)
  it.each<[string, RegExp]>([
    ["echo", /a module of the generated project \(echo in the async, eio, luv and lwt templates\)/],
    ["blocking", /a module of the generated project \(blocking in the threads templates\)/],
    ["all-approaches", /a module of the generated project \(all_approaches in the compare templates\)/],
    ["domains-approach", /a module of the generated project/],
    ["eio-approach", /a module of the generated project/],
    ...["fmt", "mtime", "cstruct", "optint", "psq", "hmap", "iomux", "uring", "lwt-dllist", "thread-table"].map((n): [string, RegExp] => [
      n,
      /clashes with (a module that templates link \([A-Z][a-z_]+, in .*eio|the library "[a-z_-]+" that templates depend on \(.*eio)/,
    ]),
    ...["saturn", "backoff", "multicore-magic", "domain-local-await"].map((n): [string, RegExp] => [
      n,
      /clashes with (a module that templates link \([A-Z][a-z_]+, in .*domains-domainslib|the library "[a-z_-]+" that templates depend on \(.*domains-domainslib)/,
    ]),
    ["ctypes", /clashes with the opam package "ctypes" that templates depend on \(compare and ctypes\)/],
    ...["integers"].map((n): [string, RegExp] => [
      n,
      /clashes with (a module that templates link \([A-Z][a-z_]+, in .*luv|the library "[a-z_-]+" that templates depend on \(.*luv)/,
    ]),
  ])("refuses %j, which broke the build", (name, reason) => {
    expect(nameProblem(name)).toMatch(reason);
  });

  it("refuses every name the recorded toolchain knows, and those only", () => {
    const { stdlib, templates } = JSON.parse(readFileSync(join(templatesDir, "name-clashes.json"), "utf8"));
    const known = [
      ...stdlib,
      ...Object.values(templates as Record<string, Record<string, string[]>>).flatMap((t) => [
        ...t.packages,
        ...t.libraries,
        ...t.modules,
        ...t.own,
      ]),
    ]
      // a module a lower-case name can make: Lwt_io, not UnixLabels
      .filter((n: string) => !/^[A-Z].*[A-Z]/.test(n))
      .map((n: string) => n.split(".")[0].toLowerCase().replace(/-/g, "_"))
      .filter((n: string) => /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(n));
    expect(known.length).toBeGreaterThan(300);
    for (const n of known) expect(nameProblem(n), n).toMatch(/clashes|keyword/);
    // modules only a capital inside the name could make do not clash (test/names-build.test.ts builds one)
    for (const n of ["test", "config", "my_app", "collatz", "pool", "endianbytes"]) expect(nameProblem(n), n).toBeUndefined();
  });

  it.each([
    ["base-unix", /clashes with an opam package that the dependencies of .*domains.* need: opam would find no solution/],
    ["base-threads", /clashes with an opam package that the dependencies of/],
    ["ocamlfind", /clashes with an opam package that the dependencies of .*mpi/],
    ["dune-configurator", /clashes with an opam package that the dependencies of .*eio/],
    ["csexp", /clashes with an opam package that the dependencies of .*eio/],
    ["ocamlformat", /clashes with a program the project's own rules run \(dune build @fmt runs it\)/],
    ["mpirun", /clashes with a program the project's own rules run \(the mpi template's dune build @mpirun runs it\)/],
  ])("refuses %s: a package of the templates' whole opam solution, or a program their rules run", (name, message) => {
    expect(nameProblem(name)).toMatch(message);
  });

  it("refuses every package of every template's opam solution (templates/depexts.json's closure)", () => {
    const { closure } = JSON.parse(readFileSync(join(templatesDir, "depexts.json"), "utf8")) as { closure: Record<string, string[]> };
    const names = [...new Set(Object.values(closure).flat())].filter((n) => /^[a-z][a-z0-9]*([-_][a-z0-9]+)*$/.test(n));
    expect(names.length).toBeGreaterThan(100);
    for (const n of names) expect(nameProblem(n), n).toMatch(/clashes|keyword/);
  });

  it("the catalog's dependencies are refused whichever template is chosen", () => {
    const deps = dependencyNames();
    expect(deps).toContain("domainslib");
    expect(nameProblem("domainslib", deps)).toMatch(/opam package "domainslib"/);
  });
});
