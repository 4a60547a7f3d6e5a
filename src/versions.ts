/** The versions the generated projects are made for, in one place. */

/**
 * The newest OCaml the templates are built, tested and run on here (the forky toolchain):
 * what `--switch local` creates, and the generated CI's newest compiler beside the floor.
 */
export const NEWEST_OCAML = "5.4.1";
/** As setup-ocaml takes it: "5.4". */
export const NEWEST_OCAML_MINOR = NEWEST_OCAML.split(".").slice(0, 2).join(".");

/**
 * The OCaml releases opam-repository had (ocaml-base-compiler, from 4.11: the oldest it keeps) in
 * the snapshot the tests solve with, dated: what --ocaml may name. test/opam-solve.test.ts checks
 * the list against the snapshot.
 */
export const OCAML_RELEASES_DATE = "2026-08-22";
export const OCAML_RELEASES = [
  "4.11.0",
  "4.11.1",
  "4.11.2",
  "4.12.0",
  "4.12.1",
  "4.13.0",
  "4.13.1",
  "4.14.0",
  "4.14.1",
  "4.14.2",
  "4.14.3",
  "4.14.4",
  "5.0.0",
  "5.1.0",
  "5.1.1",
  "5.2.0",
  "5.2.1",
  "5.3.0",
  "5.4.0",
  "5.4.1",
  "5.5.0",
];

/** Every generated project's `(lang dune ...)`: the dune it needs at least. */
export const DUNE_LANG = "3.11";

/**
 * The ocamlformat the generated code is formatted with, pinned in its `.ocamlformat`
 * (test/format.test.ts checks it is the toolchain's).
 */
export const OCAMLFORMAT_VERSION = "0.29.0";

/**
 * The oldest `(lang dune ...)` a project may have for `add`: the approach's dune files are
 * written for dune 3's language, and test/add-e2e.test.ts builds and tests them under 3.0.
 */
export const ADD_DUNE_LANG_FLOOR = "3.0";
