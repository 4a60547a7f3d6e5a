import { describe, expect, it } from "vitest";
import { dependencyNames } from "../src/catalog.js";
import { nameProblem, normaliseName, projectNames } from "../src/names.js";

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

  it.each([
    ["my-app"],
    ["my_app"],
    ["a"],
    ["x1-y2_z3"],
    ["a".repeat(64)],
  ])("accepts %s", (name) => {
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
    ["unix", /clashes with a module/],
    ["domain", /clashes with a module/],
    ["thread", /clashes with a module/],
    ["list", /clashes with a module/],
    ["dune", /clashes/],
    ["main", /clashes/],
    ["workload", /clashes/],
  ])("refuses %j", (name, reason) => {
    expect(nameProblem(name)).toMatch(reason);
  });

  it("refuses the templates' dependencies, in either spelling", () => {
    expect(nameProblem("eio", ["eio_main", "eio"])).toMatch(/library "eio"/);
    expect(nameProblem("eio-main", ["eio_main"])).toMatch(/library "eio_main"/);
    expect(nameProblem("lwt", ["lwt", "lwt.unix"])).toMatch(/library "lwt"/);
    expect(nameProblem("lwt", [])).toBeUndefined();
  });

  it("the catalog's dependencies are refused whichever template is chosen", () => {
    const deps = dependencyNames();
    expect(deps).toContain("domainslib");
    expect(nameProblem("domainslib", deps)).toMatch(/library "domainslib"/);
  });
});
