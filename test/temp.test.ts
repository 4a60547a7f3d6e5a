/** Test files leave nothing in the system temp dir: tempDir removes what it made, also when a test fails. */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { expect, it } from "vitest";
import { exists, repo, tempDir } from "./helpers/cli.js";

it("every folder tempDir made is gone after the file ran, whether its tests passed, failed or threw", async () => {
  const log = join(tempDir("cop-temp-log-"), "made");
  const r = await execa(
    process.execPath,
    [join(repo, "node_modules/vitest/vitest.mjs"), "run", "--config", "test/fixtures/vitest.config.ts"],
    {
      cwd: repo,
      reject: false,
      all: true,
      env: { COP_TEMP_LOG: log, NO_COLOR: "1" },
    },
  );
  // the fixture fails two tests on purpose
  expect(r.all).toMatch(/2 failed \| 1 passed/);
  const made = readFileSync(log, "utf8").trim().split("\n");
  expect(made.map((d) => d.replace(/.*\/(cop-fixture-[a-z-]+-).*/, "$1")).sort()).toEqual([
    "cop-fixture-before-all-",
    "cop-fixture-collected-",
    "cop-fixture-failed-",
    "cop-fixture-passed-",
    "cop-fixture-threw-",
  ]);
  expect(made.filter(exists)).toEqual([]);
}, 120_000);
