/**
 * Questions in a terminal, for `create` and `add`: node-plop (and inquirer through it)
 * is loaded only here, only when there is a terminal to ask in. The generators'
 * actions write through `renderThrough`, so a failed write keeps its error.
 */
import { writeSync } from "node:fs";
import { CreateError, explainFsError } from "../errors.js";

export type Plop = Awaited<ReturnType<typeof import("node-plop").default>>;

export async function loadPlop(cwd: string): Promise<Plop> {
  const { default: nodePlop } = await import("node-plop");
  return nodePlop(undefined, { destBasePath: cwd, force: false });
}

let asking = false;

/** inquirer hides the cursor while a list is shown: shown again after every prompt, and by a signal handler mid-prompt. */
export function showCursor() {
  try {
    writeSync(1, "\x1b[?25h");
  } catch {
    // no terminal to show it on any more
  }
}

/** Whether a prompt is on screen now (a signal handler shows the cursor then). */
export const prompting = () => asking;

/**
 * Runs prompts. Esc, Ctrl-D (lazy-inquirer.ts) cancel as answering no would. On Ctrl-C
 * inquirer signals SIGINT to this process: the timer keeps Node alive until the
 * handler (main.ts) exits 130, else Node would exit 13 first.
 */
export async function ask<T>(run: () => Promise<T>): Promise<T> {
  const keepAlive = setInterval(() => {}, 1 << 30);
  asking = true;
  try {
    return await run();
  } catch (error) {
    if ((error as Error).name === "PromptCancelled") throw new CreateError("cancelled: nothing was written");
    throw error;
  } finally {
    clearInterval(keepAlive);
    asking = false;
    showCursor();
  }
}

/**
 * A render for a generator's action, and the way to run the actions with it.
 * node-plop keeps only the message of what an action threw: the render keeps the
 * error itself, so its errno code reaches the user (ENOSPC, EACCES: exit 1, the
 * environment); any other failure of the write exits 2.
 */
export function renderThrough<D>(render: (data: D, staging: string) => string[]) {
  let thrown: unknown;
  let files: string[] = [];
  return {
    render: (data: D, staging: string) => {
      try {
        files = render(data, staging);
        return files;
      } catch (error) {
        thrown = error;
        throw error;
      }
    },
    /** Runs the generator's actions; returns the files written, or throws what the write threw, explained. */
    async run(runActions: () => Promise<{ failures: unknown[] }>, doing: string): Promise<string[]> {
      const { failures } = await runActions();
      if (!failures.length) return files;
      const error = thrown ?? new CreateError(`${doing} failed: ${failures.map(failureText).join("; ")}`, 2);
      throw explainFsError(error, doing);
    },
  };
}

// node-plop reports a failure as { type, path, error } or, when an action throws, as the thrown value
const failureText = (f: unknown) =>
  f instanceof Error ? f.message : typeof f === "object" && f ? String((f as { error?: unknown }).error) : String(f);
