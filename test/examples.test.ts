/**
 * Golden trees: examples/<template>[-<variant>]/ is exactly what the CLI generates
 * now (`npm run examples` regenerates them), so the committed examples are what users get.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script shared with `npm run examples`
import { examples, templatesWorkflow } from "../scripts/examples.mjs";
import { create } from "../src/create/create.js";
import { outputOf, repo, runCli, snapshot, tempDir } from "./helpers/cli.js";

const all = (examples as () => { folder: string; args: string[] }[])();

describe.each(all)("examples/$folder", ({ folder, args }) => {
  it("is what the generator writes now (else: npm run examples)", async () => {
    const cwd = tempDir();
    const r = await runCli(args, { cwd });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(snapshot(join(cwd, folder))).toEqual(snapshot(join(repo, "examples", folder)));
  });

  // the built CLI renders precompiled templates; the sources compile them when rendering
  it("is also what the sources write, compiling the templates at run time", async () => {
    const cwd = tempDir();
    const variant = args.includes("--variant") ? args[args.indexOf("--variant") + 1] : undefined;
    await create({
      directory: folder,
      template: args[2],
      variant,
      name: `${folder}-starter`,
      git: false,
      force: false,
      dryRun: false,
      cwd,
    });
    expect(snapshot(join(cwd, folder))).toEqual(snapshot(join(repo, "examples", folder)));
  });
});

it(".github/workflows/templates.yml is generated from the manifests now (else: npm run examples)", () => {
  expect(readFileSync(join(repo, ".github/workflows/templates.yml"), "utf8")).toBe((templatesWorkflow as (a: unknown) => string)(all));
});

it("examples/ holds nothing else", () => {
  expect(readdirSync(join(repo, "examples")).sort()).toEqual(all.map((e) => e.folder).sort());
});
