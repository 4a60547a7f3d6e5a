/**
 * Version constraints as opam reads them (dune-project's `(depends ...)` says the same in
 * s-expressions): a formula over `<op> version`, `&`/`and`, `|`/`or`, `!`/`not` and filters
 * (`with-test`, `build`...), and whether the user's constraint on a package leaves any version
 * the approach's also allows. opam's version order (Debian's, without epochs) decides.
 */
import type { OpamDependency } from "../catalog/catalog.js";

export type Formula =
  | { kind: "and" | "or"; items: Formula[] }
  | { kind: "not"; item: Formula }
  | { kind: "version"; op: string; version: string }
  /** with-test, build, post, with-doc, dev, with-dev-setup; anything else (os = "linux", a variable) is "unknown" */
  | { kind: "flag"; name: string };

/** A character's rank in a non-digit run: `~` before the end, letters before the rest. */
const rank = (c: string | undefined) =>
  c === undefined ? 0 : c === "~" ? -1 : /[A-Za-z]/.test(c) ? c.charCodeAt(0) : c.charCodeAt(0) + 256;

/** opam's order of versions: non-digit runs by rank, digit runs as numbers; "5.0~beta1" < "5.0" < "5.0.1". */
export function compareOpamVersions(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const na = /^\D*/.exec(a.slice(i))![0];
    const nb = /^\D*/.exec(b.slice(j))![0];
    for (let k = 0; k < Math.max(na.length, nb.length); k++) if (rank(na[k]) !== rank(nb[k])) return rank(na[k]) - rank(nb[k]);
    i += na.length;
    j += nb.length;
    const da = /^\d*/.exec(a.slice(i))![0];
    const db = /^\d*/.exec(b.slice(j))![0];
    const diff = Number(da || 0) - Number(db || 0);
    if (diff) return diff;
    i += da.length;
    j += db.length;
  }
  return 0;
}

const RELATIONS: Record<string, (c: number) => boolean> = {
  "=": (c) => c === 0,
  "!=": (c) => c !== 0,
  "<": (c) => c < 0,
  "<=": (c) => c <= 0,
  ">": (c) => c > 0,
  ">=": (c) => c >= 0,
};
export const isRelation = (op: string) => op in RELATIONS;

/** A point of the version line: a version, just above one (below every greater version), or below all. */
type Point = { at: string; above: boolean } | undefined;
const compareTo = (p: Point, v: string) =>
  p === undefined ? -1 : p.above ? (compareOpamVersions(p.at, v) >= 0 ? 1 : -1) : compareOpamVersions(p.at, v);

/** The values of the filters when `opam install --deps-only` installs for a build (with tests, for a test dependency). */
const flagValue = (name: string, test: boolean): boolean | undefined =>
  ({ "with-test": test, build: true, post: false, "with-doc": false, dev: false, "with-dev-setup": false })[name];

function holds(f: Formula, p: Point, test: boolean): boolean | undefined {
  switch (f.kind) {
    case "version":
      return RELATIONS[f.op](compareTo(p, f.version));
    case "flag":
      return flagValue(f.name, test);
    case "not": {
      const v = holds(f.item, p, test);
      return v === undefined ? undefined : !v;
    }
    default: {
      const values = f.items.map((x) => holds(x, p, test));
      if (f.kind === "and") return values.includes(false) ? false : values.includes(undefined) ? undefined : true;
      return values.includes(true) ? true : values.includes(undefined) ? undefined : false;
    }
  }
}

const versionsIn = (f: Formula): string[] =>
  f.kind === "version" ? [f.version] : f.kind === "not" ? versionsIn(f.item) : f.kind === "flag" ? [] : f.items.flatMap(versionsIn);
const hasFlag = (f: Formula): boolean =>
  f.kind === "flag" || (f.kind === "not" ? hasFlag(f.item) : f.kind !== "version" && f.items.some(hasFlag));

/** The approach's dependency as a formula. */
export const formulaOf = (d: OpamDependency): Formula | undefined => {
  const items: Formula[] = d.constraints.map((c) => {
    const [op, version] = c.split(" ");
    return { kind: "version", op, version };
  });
  return items.length ? { kind: "and", items } : undefined;
};

/**
 * What the user's entry for a package (its constraint, undefined for none; `guaranteed` false
 * inside an `|` of packages) does for the approach's dependency `ours`:
 * "provides": installed, in a version ours allows too (or one cannot tell: a filter on the OS...);
 * "absent": not installed for the build (an alternative, or a filter such as with-test), so ours is added;
 * "conflicts": no version is allowed by both, so opam could never solve.
 */
export function judge(theirs: Formula | undefined, guaranteed: boolean, ours: OpamDependency): "provides" | "absent" | "conflicts" {
  if (!guaranteed) return "absent";
  // a dependency of the build is needed with tests and without; a test dependency, with tests
  const verdicts = (ours.test ? [true] : [false, true]).map((test) => judgeWith(theirs, formulaOf(ours), test));
  return verdicts.includes("conflicts") ? "conflicts" : verdicts[0];
}

function judgeWith(theirs: Formula | undefined, wanted: Formula | undefined, test: boolean): "provides" | "absent" | "conflicts" {
  if (!theirs) return "provides";
  const versions = [...versionsIn(theirs), ...(wanted ? versionsIn(wanted) : [])];
  const points: Point[] = [
    undefined,
    ...versions.flatMap((at) => [
      { at, above: false },
      { at, above: true },
    ]),
  ];
  const allowed = points.map((p) => holds(theirs, p, test));
  if (allowed.includes(undefined)) return "provides";
  // a filter false at every version (with-test, for a build) drops the dependency: it installs nothing
  if (!allowed.includes(true)) return hasFlag(theirs) ? "absent" : "conflicts";
  if (!wanted) return "provides";
  return points.some((p, k) => allowed[k] && holds(wanted, p, test)) ? "provides" : "conflicts";
}

/** Raised when the user's constraint and the approach's leave no version: the caller says what to change. */
export class Unsatisfiable extends Error {
  constructor(
    readonly name: string,
    readonly theirs: string,
    readonly ours: string,
  ) {
    super(`${theirs} and ${ours} allow no version in common`);
  }
}

/**
 * Of the entries for `d` (their formulas), which one provides it; undefined when none does
 * (then `d` is added); throws Unsatisfiable when one allows no version `d` allows.
 */
export function providing<E extends { formula?: Formula; guaranteed: boolean; text: string }>(
  entries: E[],
  d: OpamDependency,
  ours: string,
): E | undefined {
  let found: E | undefined;
  for (const e of entries) {
    const verdict = judge(e.formula, e.guaranteed, d);
    if (verdict === "conflicts") throw new Unsatisfiable(d.name, e.text, ours);
    if (verdict === "provides") found ??= e;
  }
  return found;
}
