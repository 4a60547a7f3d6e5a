// Bundles the CLI and everything it uses into dist/, so the published package
// has no runtime dependencies (create-vite does the same). CommonJS, because
// Node starts a CommonJS file faster than an ES module graph; and separate
// bundles for what only some runs need (node-plop and inquirer to ask
// questions, execa to run git, opam and dune), loaded when first used.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import Handlebars from "handlebars";

const path = (p) => fileURLToPath(new URL(p, import.meta.url));
const templates = path("../templates");
// imports that become their own bundle in dist/, required only when used
// (module.exports is what an import() from the CLI gets as `default`, so it must be the
// package's default export itself where the CLI uses that)
const lazy = { "node-plop": ".default", execa: "", inquirer: ".default" };

// src/create/template-specs.ts as the build makes it: every template precompiled, one file per
// layer in dist/templates/ (templates/_shared, templates/eio, ...), loaded when a project first
// needs that layer, so a run parses only the templates it renders.
function writePrecompiledLayers() {
  const layers = new Map();
  for (const file of readdirSync(templates, { recursive: true })
    .map((f) => f.split("\\").join("/"))
    .filter((f) => f.endsWith(".hbs"))
    .sort()) {
    const layer = file.split("/")[0];
    const spec = Handlebars.precompile(readFileSync(`${templates}/${file}`, "utf8"), { noEscape: true, strict: true });
    layers.set(layer, [...(layers.get(layer) ?? []), `${JSON.stringify(file)}: ${spec}`]);
  }
  mkdirSync(path("../dist/templates"), { recursive: true });
  for (const [layer, entries] of layers)
    writeFileSync(path(`../dist/templates/${layer}.cjs`), `module.exports = {\n${entries.join(",\n")}\n};\n`);
}

// require() with a computed path, which esbuild leaves to Node: relative to the bundle's folder, dist/
const templateSpecsModule = `const loaded = {};
export function templateSpec(path) {
  const file = path.split("\\\\").join("/");
  const layer = file.split("/")[0];
  const specs = (loaded[layer] ??= require(require("node:path").join(__dirname, "templates", layer + ".cjs")));
  const spec = specs[file];
  if (!spec) throw new Error("template " + path + " was not precompiled: run npm run build");
  return spec;
}`;

const plugins = (self) => [
  {
    name: "precompiled-templates",
    setup(build) {
      build.onResolve({ filter: /\/template-specs\.js$/ }, () => ({ path: "template-specs", namespace: "precompiled" }));
      build.onLoad({ filter: /.*/, namespace: "precompiled" }, () => ({ contents: templateSpecsModule, loader: "js" }));
    },
  },
  {
    name: "lazy-bundles",
    setup(build) {
      build.onResolve({ filter: /^(node-plop|execa|inquirer)$/ }, (args) => {
        // node-plop imports inquirer at load time: point it at the shim that loads inquirer when a prompt is shown
        // (the shim itself and the inquirer bundle's entry get the real one)
        if (args.path === "inquirer" && !args.importer.endsWith("lazy-inquirer.ts") && args.namespace !== "lazy-entry")
          return { path: path("../src/cli/lazy-inquirer.ts") };
        return args.path === self ? undefined : { path: `./${args.path}.cjs`, external: true };
      });
      build.onResolve({ filter: /^lazy:/ }, (args) => ({ path: args.path.slice(5), namespace: "lazy-entry" }));
      build.onLoad({ filter: /.*/, namespace: "lazy-entry" }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)})${lazy[args.path]};`,
        resolveDir: path(".."),
        loader: "js",
      }));
    },
  },
];

rmSync(path("../dist"), { recursive: true, force: true });
writePrecompiledLayers();
const bundle = (name, entry) =>
  esbuild.build({
    entryPoints: { [name]: entry },
    outdir: path("../dist"),
    outExtension: { ".js": ".cjs" },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    // import() of a lazy bundle becomes require() wrapped in esbuild's interop, which honours
    // the bundle's __esModule marker (Node's import() of CommonJS would nest `default` once more)
    supported: { "dynamic-import": false },
    minify: true,
    legalComments: "linked",
    // ES modules read their URL; in a CommonJS bundle it is the bundle's file
    define: { "import.meta.url": "__bundleUrl" },
    banner: { js: 'const __bundleUrl=require("node:url").pathToFileURL(__filename).href;' },
    plugins: plugins(name),
    logLevel: "warning",
  });
await Promise.all([bundle("cli", path("../src/cli/main.ts")), ...Object.keys(lazy).map((name) => bundle(name, `lazy:${name}`))]);

// dist/prebuilt.json (src/prebuilt.ts): src/prebuild.ts bundled beside the CLI, run once, removed
await bundle("prebuild", path("../src/prebuild.ts"));
const { createRequire } = await import("node:module");
const prebuildBundle = path("../dist/prebuild.cjs");
writeFileSync(path("../dist/prebuilt.json"), JSON.stringify(createRequire(import.meta.url)(prebuildBundle).derivePrebuilt()));
rmSync(prebuildBundle);
