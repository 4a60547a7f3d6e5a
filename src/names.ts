/**
 * Project name → opam package, OCaml library and module names, and the
 * reasons a name cannot work. Pure: used by the flags and the prompts alike.
 */

export interface ProjectNames {
  /** opam package and dune project name, e.g. `my-app`. */
  package: string;
  /** dune library name, e.g. `my_app`. */
  library: string;
  /** the library's OCaml module, e.g. `My_app`. */
  module: string;
}

const KEYWORDS = new Set(
  `and as assert asr begin class constraint do done downto else end exception
  external false for fun function functor if in include inherit initializer land
  lazy let lor lsl lsr lxor match method mod module mutable new nonrec object of
  open or private rec sig struct then to true try type val virtual when while with
  effect`.split(/\s+/),
);

// Modules of the stdlib, the libraries shipped with the compiler, and the
// generated project's own modules: a library of the same name shadows them.
const RESERVED = new Set(
  `stdlib arg array arrayLabels atomic bigarray bool buffer bytes byteslabels callback
  char complex condition digest domain dynarray effect either ephemeron filename float
  format fun gc hashtbl in_channel int int32 int64 iarray lazy lexing list listlabels map
  marshal moreLabels mutex nativeint obj oo option out_channel parsing pervasives printexc
  printf queue random result scanf semaphore seq set std_exit string stringlabels sys type
  uchar unit weak unix unixlabels thread threads event str dynlink runtime_events
  ocaml dune odoc main workload parallel test ocamlfind findlib compiler-libs`
    .toLowerCase()
    .split(/\s+/),
);

const MAX_LENGTH = 64;

/** Folds control characters (newlines included) into spaces: free text stays on one line. */
export const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();

/** Lower-cases and turns runs of spaces into `-`: the only rewrites made silently. */
export function normaliseName(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, "-");
}

/**
 * Why `name` (already normalised) cannot be a project name, or undefined if it can.
 * `dependencies` are the opam packages and dune libraries the templates use.
 */
export function nameProblem(name: string, dependencies: readonly string[] = []): string | undefined {
  if (name === "") return "the project name is empty";
  if (name.length > MAX_LENGTH) return `the project name is ${name.length} characters long; keep it to ${MAX_LENGTH}`;
  if (/[/\\]/.test(name) || name === "." || name === "..")
    return `"${name}" is a path, not a name: pass the directory as the first argument and --name for the package`;
  if (!/^[a-z]/.test(name))
    return `"${name}" must start with a letter (the library's OCaml module name is made from it)`;
  if (!/^[a-z][a-z0-9_-]*$/.test(name))
    return `"${name}" may only contain lower-case letters, digits, "-" and "_" (opam package and OCaml library names)`;
  if (/[-_]{2}|[-_]$/.test(name)) return `"${name}" must not end with or repeat "-" or "_"`;
  const library = name.replace(/-/g, "_");
  if (KEYWORDS.has(library)) return `"${name}" is an OCaml keyword; pick another name`;
  if (RESERVED.has(library) || RESERVED.has(name))
    return `"${name}" clashes with a module of OCaml's standard distribution or of the generated project; pick another name`;
  const clash = dependencies.find((d) => d === name || d.split(".")[0].replace(/-/g, "_") === library);
  if (clash) return `"${name}" clashes with the library "${clash}" that templates depend on; pick another name`;
  return undefined;
}

export function projectNames(name: string): ProjectNames {
  const library = name.replace(/-/g, "_");
  return { package: name, library, module: library[0].toUpperCase() + library.slice(1) };
}
