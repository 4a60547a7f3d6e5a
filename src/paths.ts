/**
 * Paths joined as text, for the calls a run makes once per file or per folder. path.join
 * normalises the whole path on every call: called that often, V8 finds its loop hot, optimises
 * it on another thread, and Node waits for that compile before the process exits (about 6 ms
 * of a 100 ms run, bench/cli.mjs). For a folder and a part that is already normal (a name,
 * a relative path the build recorded), the text is the same path.
 */
import { sep } from "node:path";

export const joinText = (folder: string, part: string) =>
  folder.endsWith(sep) || folder.endsWith("/") ? `${folder}${part}` : `${folder}${sep}${part}`;
