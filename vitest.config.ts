import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // e2e tests compile OCaml projects; each file sets its own longer timeouts
    testTimeout: 30_000,
    hookTimeout: 600_000,
  },
});
