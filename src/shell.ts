/**
 * Commands printed for the user to paste into a POSIX shell (sh, bash, zsh).
 * Every printed command is built here, so none can run what a folder's name holds.
 */

/**
 * One word, as the shell will read it back: bare when made only of characters
 * no shell treats specially, else in single quotes, inside which nothing is
 * special (`$(…)`, backquotes, `\`, newlines); a `'` itself becomes `'\''`.
 */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

export const shellCommand = (words: string[]) => words.map(shellWord).join(" ");
