/** The versions the generated projects are made for, in one place. */

/**
 * The newest OCaml the templates are built, tested and run on here (the forky toolchain):
 * what `--switch local` creates, and the generated CI's newest compiler beside the floor.
 */
export const NEWEST_OCAML = "5.4.1";
/** As setup-ocaml takes it: "5.4". */
export const NEWEST_OCAML_MINOR = NEWEST_OCAML.split(".").slice(0, 2).join(".");

/** Every generated project's `(lang dune ...)`: the dune it needs at least. */
export const DUNE_LANG = "3.11";

/**
 * The ocamlformat the generated code is formatted with, pinned in its `.ocamlformat`
 * (test/format.test.ts checks it is the toolchain's).
 */
export const OCAMLFORMAT_VERSION = "0.29.0";
