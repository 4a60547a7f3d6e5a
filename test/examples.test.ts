/**
 * Golden trees: examples/<template>/ is exactly what the CLI generates now
 * (`npm run examples` regenerates them), so the committed examples are what users get.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script shared with `npm run examples`
import { exampleArgs, templates } from "../scripts/examples.mjs";
import { outputOf, repo, runCli, snapshot, tempDir } from "./helpers/cli.js";

describe.each((templates as () => string[])())("examples/%s", (template) => {
  it("is what the generator writes now (else: npm run examples)", async () => {
    const cwd = tempDir();
    const r = await runCli((exampleArgs as (t: string) => string[])(template), { cwd });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(snapshot(join(cwd, template))).toEqual(snapshot(join(repo, "examples", template)));
  });
});
