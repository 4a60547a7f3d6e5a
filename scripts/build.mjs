// Bundles the CLI and everything it uses into dist/, so the published package
// has no runtime dependencies (create-vite does the same).
import * as esbuild from "esbuild";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const shim = fileURLToPath(new URL("../src/lazy-inquirer.ts", import.meta.url));
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await esbuild.build({
  entryPoints: { cli: fileURLToPath(new URL("../src/cli.ts", import.meta.url)) },
  outdir: fileURLToPath(new URL("../dist", import.meta.url)),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: true,
  legalComments: "linked",
  // bundled CommonJS (handlebars) calls require
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  plugins: [
    {
      name: "lazy-inquirer",
      setup(build) {
        build.onResolve({ filter: /^inquirer$/ }, (args) => (args.importer === shim ? undefined : { path: shim }));
      },
    },
  ],
  logLevel: "warning",
});
