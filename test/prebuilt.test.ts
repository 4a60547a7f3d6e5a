/**
 * dist/prebuilt.json, which the bundle reads instead of deriving the catalog and the names
 * to refuse at each start: it must be what src/ derives, or the built CLI would judge
 * templates and names by stale data. `npm run build` (run by test:unit) writes it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../src/catalog/catalog.js";
import { derivePrebuilt } from "../src/prebuild.js";
import { prebuilt } from "../src/prebuilt.js";
import { outputOf, repo, runCli, tempDir } from "./helpers/cli.js";

describe("prebuilt.json", () => {
  it("is what src/ derives from templates/ now", () => {
    const built = JSON.parse(readFileSync(join(repo, "dist/prebuilt.json"), "utf8"));
    expect(built).toEqual(JSON.parse(JSON.stringify(derivePrebuilt())));
    expect(built.manifests.map((m: { name: string }) => m.name)).toEqual(loadCatalog().map((m) => m.name));
  });

  it("is not read from src/, where everything is derived", () => {
    expect(prebuilt()).toBeUndefined();
  });

  it("is what the built CLI goes by: a refused name is refused by the bundle too", async () => {
    const r = await runCli(["lwt", "--template", "domains", "--yes", "--no-git"], { cwd: tempDir("cop-prebuilt-") });
    expect(r.exitCode).toBe(1);
    expect(outputOf(r)).toMatch(/"lwt" clashes with the opam package "lwt"/);
  });
});
