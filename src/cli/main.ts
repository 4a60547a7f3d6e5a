/**
 * The process entry, for `create` and `add` alike: which command runs, how an
 * error is printed (and as JSON), and how the process ends: 0 done, 1 input or
 * environment, 2 a tool step failed, 130/143/129 interrupted. The only module
 * that decides the exit code.
 */
import { CreateError } from "../errors.js";
import { undoOnInterrupt } from "../interrupt.js";
import { shellCommand, shellWord } from "../shell.js";
import { BuildFailure, type StoppedStep, stopRunningStep } from "../toolchain/build.js";
import { createCommand } from "./create.js";
import { type Out, outputFailed, terminalOut } from "./output.js";
import { prompting, showCursor } from "./prompt.js";
import { forLocale } from "./terminal.js";

// for bin/compile-cache.cjs
export { renderedAProject } from "../create/render.js";

/** What a command reports as it goes, for an interruption's message. */
export interface Progress {
  /** The project is in place: an interruption after that (during --build) leaves it. */
  kept(directory: string): void;
}

let keptIn: string | undefined;

export async function main(argv: string[], io: Out, env = process.env, cwd = process.cwd()): Promise<number> {
  const json = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : undefined).includes("--json");
  const progress: Progress = {
    kept: (directory) => {
      keptIn = directory;
    },
  };
  try {
    // `add TEMPLATE`: an approach into an existing dune project (add.ts, loaded only for it)
    if (argv[0] === "add") return await (await import("./add.js")).addCommand(argv.slice(1), io, env, cwd);
    return await createCommand(argv, io, env, cwd, progress);
  } catch (error) {
    const known = error instanceof CreateError;
    const message = known ? error.message : `unexpected error: ${(error as Error).stack ?? error}`;
    const exitCode = known ? error.exitCode : 2;
    const steps = error instanceof BuildFailure ? { build: error.report } : {};
    if (json) io.data(JSON.stringify({ ok: false, error: message, exitCode, ...steps }, null, 2));
    io.err(`create-ocaml-parallel: ${message}`);
    return exitCode;
  }
}

/** What an interrupted --build leaves: the project, and the commands that finish the build. */
function buildLeft({ dir, step, log, left }: StoppedStep): string {
  const resume = [`cd ${shellWord(dir)}`, ...left.map(shellCommand)].join(" && ");
  return `${step} was stopped. The project is kept in ${dir} (the build's log: ${log}); to finish the build: ${resume}`;
}

/** The process entry: wires signals so an interruption leaves nothing half-written. */
export async function runCli(argv = process.argv.slice(2)) {
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  for (const [signal, code] of Object.entries(codes))
    process.on(signal, () => {
      undoOnInterrupt();
      const stopped = stopRunningStep(signal as NodeJS.Signals);
      if (prompting()) showCursor();
      const left = stopped ? buildLeft(stopped) : `${keptIn ? `the project is kept in ${keptIn}; ` : ""}nothing half-written is left.`;
      process.stderr.write(`\n${forLocale(`create-ocaml-parallel: interrupted (${signal}); ${left}`)}\n`);
      process.exit(code);
    });
  const code = await main(argv, terminalOut);
  process.exitCode = code === 0 && outputFailed() ? 1 : code;
}
