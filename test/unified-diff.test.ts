/** src/unified-diff.ts: the diffs `add` shows apply as patch would apply them. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../src/add/unified-diff.js";

describe("unified diff", () => {
  /** Applies a unified diff of one file, as patch would. */
  function apply(before: string, diff: string): string {
    const old = before === "" ? [] : before.replace(/\n$/, "").split("\n");
    const out: string[] = [];
    let at = 0;
    for (const hunk of diff.split(/^@@ /m).slice(1)) {
      const [, start] = /^-(\d+)/.exec(hunk)!;
      const from = Math.max(0, Number(start) - (hunk.startsWith("-0,0") ? 0 : 1));
      out.push(...old.slice(at, from));
      at = from;
      for (const line of hunk.split("\n").slice(1)) {
        if (line.startsWith("+")) out.push(line.slice(1));
        else if (line.startsWith("-")) at++;
        else if (line.startsWith(" ")) {
          out.push(line.slice(1));
          at++;
        }
      }
    }
    out.push(...old.slice(at));
    return out.length ? `${out.join("\n")}\n` : "";
  }
  const text = fc
    .array(fc.constantFrom("a", "b", "c", "(depends", "", " x"), { maxLength: 30 })
    .map((ls) => ls.map((l) => `${l}\n`).join(""));

  it("applied to the old text, gives the new one; hunks have 3 lines of context; equal files give nothing", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const diff = unifiedDiff("f", a, b);
        if (a === b) {
          expect(diff).toBe("");
          return;
        }
        expect(diff.startsWith("--- a/f\n+++ b/f\n@@ -")).toBe(true);
        expect(apply(a, diff)).toBe(b);
      }),
      { numRuns: 500 },
    );
    expect(unifiedDiff("n", undefined, "x\ny\n")).toBe("--- /dev/null\n+++ b/n\n@@ -0,0 +1,2 @@\n+x\n+y\n");
    expect(unifiedDiff("f", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n")).toBe(
      "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
    );
  });
});
