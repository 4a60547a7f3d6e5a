/**
 * Command-line flags, read the same way for `create` and `add`: an unknown
 * option, a string option given twice or without a value, and too many
 * arguments are refused with a message that says what is valid.
 */
import mri from "mri";
import { CreateError } from "../errors.js";

export interface FlagSpec {
  string: string[];
  boolean: string[];
  alias: Record<string, string>;
  /** booleans written negated (`--no-git`), for the messages */
  negated?: string[];
}

export interface Parsed {
  flags: Record<string, unknown>;
  positionals: string[];
}

/** Reads `argv` by `spec`; `command` ("" or "add") names the command in the messages, `usage` its arguments. */
export function parseFlags(
  argv: string[],
  spec: FlagSpec,
  { command, usage, most }: { command: string; usage: string; most: number },
): Parsed {
  // mri adds aliases to the arrays it is given, so it gets copies
  const flags: Record<string, unknown> & { _: string[] } = mri(argv, {
    string: [...spec.string],
    boolean: [...spec.boolean],
    alias: { ...spec.alias },
  });
  const known = new Set([...spec.string, ...spec.boolean, ...Object.keys(spec.alias), "_"]);
  const valid = [...spec.string, ...spec.boolean].map((f) => spelling(spec, f)).join(" ");
  const forCommand = command ? ` for ${command}` : "";
  for (const key of Object.keys(flags))
    if (!known.has(key))
      throw new CreateError(`unknown option ${key.length === 1 ? "-" : "--"}${key}${forCommand}. Valid options: ${valid}`);
  const twice = givenTwice(argv, spec);
  if (twice) throw new CreateError(`--${twice} was given more than once; give it once`);
  for (const f of spec.string)
    if (flags[f] !== undefined && (typeof flags[f] !== "string" || flags[f] === "")) throw new CreateError(`--${f} needs a value`);
  const positionals = flags._.map(String);
  if (positionals.length > most) throw new CreateError(`too many arguments: ${positionals.slice(most).join(" ")} (expected ${usage})`);
  return { flags, positionals };
}

/** How a flag is written on the command line. */
export const spelling = (spec: FlagSpec, flag: string) => (spec.negated?.includes(flag) ? `--no-${flag}` : `--${flag}`);

/**
 * The string option given more than once, if any (`--name a --name b`, or
 * `-t eio --template lwt`, of which mri would silently keep one); words after
 * `--` are arguments, not options.
 */
function givenTwice(argv: string[], spec: FlagSpec): string | undefined {
  const end = argv.indexOf("--");
  const words = end === -1 ? argv : argv.slice(0, end);
  return spec.string.find((flag) => {
    const spellings = [
      `--${flag}`,
      ...Object.entries(spec.alias)
        .filter(([, long]) => long === flag)
        .map(([short]) => `-${short}`),
    ];
    return words.filter((w) => spellings.some((s) => w === s || w.startsWith(`${s}=`))).length > 1;
  });
}
