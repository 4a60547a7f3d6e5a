#!/usr/bin/env node
// Checks the Node version first, in syntax old versions parse, so they get a message, not a crash.
var version = process.versions.node.split(".").map(Number);
if (version[0] < 20 || (version[0] === 20 && version[1] < 5)) {
  // biome-ignore lint/style/useTemplate: template literals are newer syntax than the versions this check is for
  process.stderr.write("create-ocaml-parallel needs Node.js 20.5 or newer; this is " + process.version + ".\n");
  process.exit(1);
}
require("./compile-cache.cjs").requireCompiled(require("node:path").join(__dirname, "../dist/cli.cjs")).runCli();
