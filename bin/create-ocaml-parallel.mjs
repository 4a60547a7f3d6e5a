#!/usr/bin/env node
// Checks the Node version before loading anything that might not parse on an old one.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 12)) {
  process.stderr.write(`create-ocaml-parallel needs Node.js 20.12 or newer; this is ${process.version}.\n`);
  process.exit(1);
}
const { runCli } = await import("../dist/cli.mjs");
await runCli();
