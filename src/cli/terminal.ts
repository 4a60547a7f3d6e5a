/**
 * What the user's terminal can show: the symbols a UTF-8 locale displays
 * (ASCII under any other), and lines cut to its width.
 */

/**
 * Whether the locale's character set is UTF-8. The first of LC_ALL, LC_CTYPE
 * and LANG that is set decides, as for every program the terminal runs; none
 * set is the C locale, which is ASCII.
 */
export function utf8Locale(env: NodeJS.ProcessEnv = process.env): boolean {
  return /utf-?8/i.test(env.LC_ALL || env.LC_CTYPE || env.LANG || "");
}

/** The Unicode this CLI and inquirer's prompts print, and its ASCII. */
const ASCII: [string, string][] = [
  ["≥", ">="],
  ["→", "->"],
  ["✓", "ok"],
  ["✗", "x"],
  ["…", "..."],
  ["❯", ">"],
  ["◉", "(*)"],
  ["◯", "( )"],
];
const utf8 = utf8Locale();

/**
 * Text for the terminal: the symbols above in ASCII when the locale is not
 * UTF-8. Every printed line goes through it (JSON output excepted: it is data).
 */
export function forLocale(text: string): string {
  return utf8 ? text : ASCII.reduce((out, [symbol, ascii]) => out.replaceAll(symbol, ascii), text);
}

const ESCAPE = /^\x1b\[[0-9;?]*[A-Za-z]/;

/**
 * `line` cut to `width` columns, ending with an ellipsis when it was longer.
 * Escape sequences (colours) are kept and not counted; every other character
 * counts as one column, which holds for the catalog's text.
 */
export function fitToWidth(line: string, width: number): string {
  const visible = [...line.replace(new RegExp(ESCAPE.source.slice(1), "g"), "")].length;
  if (visible <= width) return line;
  const ellipsis = forLocale("…");
  const keep = width - ellipsis.length;
  let out = "";
  let shown = 0;
  for (let i = 0; i < line.length; ) {
    const sequence = ESCAPE.exec(line.slice(i))?.[0];
    if (sequence) {
      out += sequence; // after the cut too: a colour must still be reset
      i += sequence.length;
      continue;
    }
    const char = String.fromCodePoint(line.codePointAt(i)!);
    if (shown < keep) out += char;
    else if (shown === keep) out += ellipsis;
    shown++;
    i += char.length;
  }
  return out;
}

/**
 * Whether the terminal takes cursor movements: not TERM=dumb (Emacs's shell,
 * some editors' consoles), which shows escape sequences as text.
 */
export const movesCursor = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env) =>
  Boolean(stream.isTTY) && env.TERM !== "dumb";

/**
 * Whether questions can be asked: stdin and stdout are a terminal that moves
 * its cursor (the prompts redraw themselves). Under TERM=dumb the run is as
 * without a terminal: nothing is asked, the flags must say it all. node:tty is
 * loaded only here, and isatty used rather than process.stdin.isTTY: the module
 * and the stdin stream would cost a run that asks nothing 4 and 5 ms.
 */
export async function canPrompt(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const { isatty } = await import("node:tty");
  return isatty(0) && isatty(1) && env.TERM !== "dumb";
}

/** Why nothing was asked, when it is TERM=dumb (said in the error that names the flags to pass instead). */
export const noPrompt = (env: NodeJS.ProcessEnv = process.env) => (env.TERM === "dumb" ? " (TERM=dumb, so nothing is asked)" : "");

/**
 * NO_COLOR wins over FORCE_COLOR, as no-color.org asks. Node lets FORCE_COLOR
 * win, and warns (on stderr, into the prompt) when both are set; without
 * FORCE_COLOR, Node's own rule (NO_COLOR, TERM=dumb: no colour) decides.
 * Called before the prompts' colours are chosen; the processes the run starts
 * then see the same.
 */
export function settleColour(env: NodeJS.ProcessEnv = process.env) {
  if (env.FORCE_COLOR !== undefined && (env.NO_COLOR !== undefined || env.NODE_DISABLE_COLORS !== undefined)) delete env.FORCE_COLOR;
}

/**
 * `text` broken at spaces into lines of at most `width` columns, the lines after
 * the first starting with `indent`: a word longer than a line is left whole
 * (a command or a path is never cut in two).
 */
export function wrap(text: string, width: number, indent = ""): string[] {
  const lines: string[] = [];
  let line = "";
  // each word with the spaces after it, so that the columns' padding is kept
  for (const chunk of text.split(/(?<= )(?=\S)/)) {
    if ([...`${line}${chunk}`.trimEnd()].length > width && line.trim() !== "") {
      lines.push(line.trimEnd());
      line = `${indent}${chunk}`;
    } else line += chunk;
  }
  return [...lines, line.trimEnd()];
}
