import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type Options } from "execa";
import { afterAll, onTestFinished } from "vitest";

export const repo = fileURLToPath(new URL("../..", import.meta.url));
/** The built entry point, as users install it (npm test builds first). */
export const cliPath = join(repo, "bin/create-ocaml-parallel.cjs");

/** Runs the built CLI without a terminal; never rejects, so tests can check exit codes. */
export function runCli(args: string[], options: Options = {}) {
  return execa(process.execPath, [cliPath, ...args], {
    reject: false,
    stdin: "ignore",
    timeout: 60_000,
    ...options,
    env: { NO_COLOR: "1", ...options.env },
  });
}

/** The folders tempDir made in this test file and has not removed yet. */
const made = new Set<string>();

function remove(dir: string) {
  try {
    rmSync(dir, { recursive: true, force: true });
    made.delete(dir);
  } catch {
    // still busy (a mount a hook has not undone yet): the file's afterAll tries again
  }
}

/**
 * A fresh folder in the system temp dir. Made in a test, it is removed when the
 * test ends, passed or failed; made outside one (collection, beforeAll), when the file ends.
 */
export function tempDir(prefix = "cop-test-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  try {
    onTestFinished(() => remove(dir));
  } catch {
    // not inside a test: afterAll removes it
  }
  return dir;
}

// Registered on the file that imports this helper; a folder left behind fails the file.
afterAll(() => {
  for (const dir of [...made]) remove(dir);
  if (made.size) throw new Error(`temporary folders left behind: ${[...made].join(", ")}`);
});

/** Every file below `dir` (relative paths, sorted), `.git` excluded. */
export function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === ".git") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Path → contents for a whole tree, to compare two trees at once. */
export function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(tree(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

export const exists = (p: string) => {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
};

/** A child's output, for assertion messages. */
export const outputOf = (r: { exitCode?: number; stdout?: unknown; stderr?: unknown }) =>
  `exit ${r.exitCode}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
