import { defineConfig } from "vitest/config";

// Tests that need no root, no apt and no chroot: `npm run test:unit`, the fast loop.
// Everything else (the Debian toolchains, tmux, namespaces, Chromium) is `system`.
const unit = [
  "add",
  "catalog",
  "cli",
  "dune-project",
  "examples",
  "names",
  "opam-file",
  "package",
  "prebuilt",
  "render",
  "systems",
  "temp",
  "unified-diff",
  "workflows",
].map((name) => `test/${name}.test.ts`);

// it imports its JSON schema without an import attribute, which Node 20 refuses: let Vite load it
const server = { deps: { inline: ["@actions/workflow-parser"] } };

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: unit, testTimeout: 30_000, server } },
      // e2e tests compile OCaml projects; each file sets its own longer timeouts
      { test: { name: "system", include: ["test/**/*.test.ts"], exclude: unit, testTimeout: 30_000, hookTimeout: 600_000, server } },
    ],
  },
});
