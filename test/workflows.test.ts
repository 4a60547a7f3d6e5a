/** GitHub Actions workflows, checked with GitHub's own parser (@actions/workflow-parser) against the workflow schema. */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { describe, expect, it } from "vitest";
import { repo } from "./helpers/cli.js";

const errorsOf = (name: string, content: string) =>
  parseWorkflow({ name, content }, new NoOperationTraceWriter())
    .context.errors.getErrors()
    .map((e) => e.message);

const workflows = [
  ...readdirSync(join(repo, "examples")).map((e) => join("examples", e, ".github/workflows/ci.yml")),
  ...readdirSync(join(repo, ".github/workflows")).map((f) => join(".github/workflows", f)),
];

describe("workflows", () => {
  it("the parser finds errors (a broken workflow is refused)", () => {
    expect(errorsOf("bad.yml", "on: push\njobs:\n  a:\n    runs-on: ${{ matrix.os }\n    stepz: []\n").length).toBeGreaterThan(0);
  });

  it.each(workflows)("%s is a valid workflow", (file) => {
    expect(errorsOf(file, readFileSync(join(repo, file), "utf8"))).toEqual([]);
  });
});
