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
    const escape = ESCAPE.exec(line.slice(i))?.[0];
    if (escape) {
      out += escape; // after the cut too: a colour must still be reset
      i += escape.length;
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
