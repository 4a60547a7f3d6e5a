/**
 * Dependencies as dune writes them, in dune-project's `(depends ...)` and in the
 * `.opam` it generates from it: one printer each, for `create` and `add`.
 */
import type { OpamDependency, Template } from "../catalog/catalog.js";

/** A dependency as dune-project writes it: `(eio_main (>= 1.3))`; format.ts lays it out. */
export function duneDependency(d: OpamDependency): string {
  const terms = [...(d.test ? [":with-test"] : []), ...d.constraints.map((c) => `(${c})`)];
  if (terms.length === 0) return d.name;
  return terms.length === 1 ? `(${d.name} ${terms[0]})` : `(${d.name} (and ${terms.join(" ")}))`;
}

/** A dependency as an .opam writes it (as dune writes it): `"eio_main" {>= "1.3"}`. */
export function opamDependency(d: OpamDependency): string {
  const terms = [...(d.test ? ["with-test"] : []), ...d.constraints.map((c) => c.replace(/ (.*)$/, ' "$1"'))];
  return terms.length ? `"${d.name}" {${terms.join(" & ")}}` : `"${d.name}"`;
}

/** A generated project's dependencies: the OCaml floor, dune, the template's packages. */
const projectDependencies = (m: Template): OpamDependency[] => [
  { name: "ocaml", constraints: [`>= ${m.ocaml}`] },
  { name: "dune", constraints: [] },
  ...m.opam,
];

/** The `(depends ...)` body of a generated dune-project (format.ts lays the file out). */
export const duneDepends = (m: Template) =>
  projectDependencies(m)
    .map((d) => `  ${duneDependency(d)}`)
    .join("\n");

/** The `depends: [...]` body dune writes into the .opam from the same dependencies: dune itself at the project's `(lang dune)`. */
export const opamDepends = (m: Template, duneLang: string) =>
  projectDependencies(m)
    .map((d) => `  ${opamDependency(d.name === "dune" ? { ...d, constraints: [`>= ${duneLang}`] } : d)}`)
    .join("\n");
