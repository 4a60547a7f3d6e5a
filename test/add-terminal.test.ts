/** `add`'s prompts in a real terminal (tmux). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KINDS, loadCatalog } from "../src/catalog/catalog.js";
import { cliPath, exists, snapshot } from "./helpers/cli.js";
import { DUNE_INIT, project } from "./helpers/projects.js";
import { Terminal } from "./helpers/terminal.js";

describe("add in a terminal", () => {
  const TWO = DUNE_INIT.replace("; See", "(package\n (name bar)\n (depends lwt))\n\n; See");
  let terminal: Terminal | undefined;
  const start = (cwd: string, ...args: string[]) => (terminal = new Terminal([process.execPath, cliPath, "add", ...args], cwd));
  const close = () => terminal?.close();

  it("asks the approach and the package, shows the changes, confirms, adds, and prints the command without questions", async () => {
    const dir = project({ "dune-project": TWO });
    try {
      const t = start(dir);
      await t.waitFor(/Which approach to add\?[\s\S]*threads/);
      expect(t.screen()).not.toContain("compare");
      // grouped by kind as create's list is: threads is the I/O concurrency group's last
      const grouped = KINDS.flatMap((kind) => loadCatalog().filter((m) => m.kind === kind && m.name !== "compare"));
      for (let i = 0; i < grouped.findIndex((m) => m.name === "threads"); i++) t.keys("Down");
      t.keys("Enter");
      await t.waitFor(/Which package gets it/);
      t.keys("Down", "Enter");
      const screen = await t.waitFor(/Add threads to .*\?/);
      expect(screen).toContain("for package bar: library bar_threads");
      expect(screen).toMatch(/\+ \(depends\n\+ {2}lwt\n\+ {2}\(ocaml\n\+ {3}\(>= 4\.12\)\)\)/);
      t.keys("Enter");
      const done = await t.waitFor(/\[exit \d+\]/);
      expect(done).toContain("[exit 0]");
      expect(t.lines().join("\n")).toContain(
        "To add it again without questions: npm create ocaml-parallel@latest -- add threads --package bar --dir parallel/threads --yes",
      );
      expect(exists(join(dir, "parallel/threads/bin/main.ml"))).toBe(true);
      expect(readFileSync(join(dir, "parallel/threads/bin/dune"), "utf8")).toContain("(package bar)");
    } finally {
      close();
    }
  });

  it("Ctrl-C at the confirmation, or no: nothing changes (exit 130, or 1), and the cursor is shown", async () => {
    for (const [keys, code] of [
      [["C-c"], 130],
      [["n", "Enter"], 1],
    ] as const) {
      const dir = project();
      const before = snapshot(dir);
      try {
        const t = start(dir, "eio");
        await t.waitFor(/Add eio to .*\?/);
        t.keys(...keys);
        expect(await t.waitFor(/\[exit \d+\]/)).toContain(`[exit ${code}]`);
        expect(t.cursorVisible()).toBe(true);
        expect(snapshot(dir)).toEqual(before);
      } finally {
        close();
      }
    }
  });
});
