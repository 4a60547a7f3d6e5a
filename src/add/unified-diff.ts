/**
 * A unified diff (as `diff -u` and git print it) of one file, for `add --dry-run`.
 * The files it compares are small and their changes close together, so the
 * common head and tail are cut and the rest compared line by line.
 */

type Op = { op: " " | "-" | "+"; line: string };

const CONTEXT = 3;
/** Beyond this many line pairs, the changed middle is shown as removed then added, uncompared. */
const MAX_CELLS = 4_000_000;

function lines(text: string): string[] {
  if (text === "") return [];
  const out = text.split("\n");
  // a last line without a newline is marked as diff marks it
  if (out[out.length - 1] === "") out.pop();
  else out[out.length - 1] += "\n\\ No newline at end of file";
  return out;
}

/** The edit script from `a` to `b`: a longest common subsequence of lines. */
function script(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const middle: Op[] = [];
  if (x.length * y.length > MAX_CELLS)
    middle.push(...x.map((line) => ({ op: "-" as const, line })), ...y.map((line) => ({ op: "+" as const, line })));
  else {
    // lcs[i][j]: the longest common subsequence of x[i..] and y[j..]
    const lcs = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
    for (let i = x.length - 1; i >= 0; i--)
      for (let j = y.length - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) {
        middle.push({ op: " ", line: x[i] });
        i++;
        j++;
      }
      // removals before additions, as diff prints them
      else if (i < x.length && (j === y.length || lcs[i + 1][j] >= lcs[i][j + 1])) middle.push({ op: "-", line: x[i++] });
      else middle.push({ op: "+", line: y[j++] });
    }
  }
  return [
    ...a.slice(0, head).map((line) => ({ op: " " as const, line })),
    ...middle,
    ...a.slice(a.length - tail).map((line) => ({ op: " " as const, line })),
  ];
}

/** The unified diff from `before` (undefined: a new file) to `after`; "" when they are equal. */
export function unifiedDiff(path: string, before: string | undefined, after: string): string {
  const ops = script(lines(before ?? ""), lines(after));
  const changed = ops.map((o, k) => (o.op !== " " ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return "";
  const out = [before === undefined ? "--- /dev/null" : `--- a/${path}`, `+++ b/${path}`];
  // hunks: runs of changes less than 2 * CONTEXT unchanged lines apart, with their context
  let k = 0;
  while (k < changed.length) {
    let last = k;
    while (last + 1 < changed.length && changed[last + 1] - changed[last] <= 2 * CONTEXT) last++;
    const from = Math.max(0, changed[k] - CONTEXT);
    const to = Math.min(ops.length, changed[last] + CONTEXT + 1);
    const before = ops.slice(0, from);
    const oldStart = before.filter((o) => o.op !== "+").length;
    const newStart = before.filter((o) => o.op !== "-").length;
    const hunk = ops.slice(from, to);
    const oldCount = hunk.filter((o) => o.op !== "+").length;
    const newCount = hunk.filter((o) => o.op !== "-").length;
    // an empty side is numbered by the line before it, as diff does
    out.push(`@@ -${oldCount ? oldStart + 1 : oldStart},${oldCount} +${newCount ? newStart + 1 : newStart},${newCount} @@`);
    out.push(...hunk.map((o) => `${o.op}${o.line}`));
    k = last + 1;
  }
  return `${out.join("\n")}\n`;
}
