/**
 * What the commands print. Text goes straight to the file descriptor: a run that
 * prints only its summary then never loads Node's stream machinery (a tenth of a
 * whole run). JSON is never altered for the locale.
 */
import { writeSync } from "node:fs";
import { relative } from "node:path";
import { fsReason } from "../errors.js";
import { shellCommand, shellWord } from "../shell.js";
import { forLocale, wrap } from "./terminal.js";

/** Text for the terminal (`out`, `err`), and JSON for machines (`data`). */
export type Out = { out: (text: string) => void; err: (text: string) => void; data: (json: string) => void };

export const terminalOut: Out = {
  out: (text) => writeLine(1, forLocale(text)),
  err: (text) => writeLine(2, forLocale(text)),
  data: (json) => writeLine(1, json),
};

/** A path as a command's argument: one starting with "-" would be read as an option. */
export const pathArgument = (path: string) => (path.startsWith("-") ? `./${path}` : path);

/** The `cd` that goes from `cwd` to `dir` before the "Next:" commands, if they are not the same folder. */
export function cdFrom(cwd: string, dir: string): string[] {
  const where = relative(cwd, dir) || ".";
  return where === "." ? [] : [`cd ${shellWord(pathArgument(where))}`];
}

/** The command that does the same again without questions (sv prints one too), as `npm create` runs it. */
export const again = (words: string[]) => `npm create ocaml-parallel@latest -- ${shellCommand([...words, "--yes"])}`;

const unwritable = new Set<number>();
let failed = false;

/** Whether standard output could not be written (a full disk): the run then exits 1, the project kept. */
export const outputFailed = () => failed;

/**
 * If the descriptor is non-blocking and full (a pipe after a prompt used it), the
 * stream queues it. When the output cannot be written, the run goes on quietly
 * (the project matters more than its summary): a closed pipe (EPIPE, `| head`) is
 * no error; anything else is said once on stderr and makes the exit code 1.
 */
function writeLine(fd: 1 | 2, text: string) {
  if (unwritable.has(fd)) return;
  let rest = Buffer.from(`${text}\n`);
  try {
    while (rest.length) rest = rest.subarray(writeSync(fd, rest));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EAGAIN") return cannotWrite(fd, error);
    const stream = fd === 1 ? process.stdout : process.stderr;
    if (!stream.listenerCount("error")) stream.on("error", (e) => cannotWrite(fd, e));
    stream.write(rest);
  }
}

function cannotWrite(fd: 1 | 2, error: unknown) {
  unwritable.add(fd);
  const code = (error as NodeJS.ErrnoException).code ?? "unknown";
  if (fd === 1 && code !== "EPIPE") {
    failed = true;
    process.exitCode ||= 1; // for a failure after main returned
    writeLine(2, `create-ocaml-parallel: writing to standard output failed: ${fsReason(code) ?? (error as Error).message} (${code})`);
  }
}

/** The words of a command as shellCommand wrote it: bare, single-quoted ('\'' inside), or both run together. */
const SHELL_WORD = /(?:'[^']*'|\\.|[^\s'\\])+/g;

/**
 * A printed command laid out for a terminal `width` columns wide: too long for one line, it is
 * broken between two words, each line but the last ending with ` \` (the shell reads the lines
 * back as the one command), so that the terminal never wraps it inside a word. A word longer
 * than a line (a long path) stays whole. `indent` starts the command's first line.
 */
export function commandLines(command: string, width: number | undefined, indent = "  "): string[] {
  if (width === undefined || [...`${indent}${command}`].length <= width) return [`${indent}${command}`];
  // a comment is prose: wrapped at its spaces, each line a comment
  if (command.startsWith("#")) return wrap(`${indent}${command}`, width, `${indent}# `);
  const words = command.match(SHELL_WORD) ?? [];
  const lines: string[] = [];
  let line = indent;
  for (const word of words) {
    if (line.trim() !== "" && [...`${line} ${word} \\`].length > width) {
      lines.push(`${line} \\`);
      line = `${indent}    ${word}`;
    } else line = line.trim() === "" ? `${line}${word}` : `${line} ${word}`;
  }
  return [...lines, line];
}
