import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // e2e tests compile OCaml projects; each file sets its own longer timeouts
    testTimeout: 30_000,
    hookTimeout: 600_000,
    // it imports its JSON schema without an import attribute, which Node 20 refuses: let Vite load it
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
