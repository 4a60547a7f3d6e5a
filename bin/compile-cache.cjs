// Loads the bundle with the code V8 compiled for it on an earlier run, kept in the user's cache
// folder (beside dune-version.json, src/toolchain/tools.ts): compiling dist/cli.cjs and the
// functions a run calls is up to a tenth of a run (1 to 10 ms of about 100 on the benchmark
// machine, README).
// Node 22.1's module.enableCompileCache does this, but Node 20 has none, so this does it on
// every version, as v8-compile-cache did. The kept code is for one bundle file (path, inode,
// size, modification time) on one Node; V8 itself refuses code from another V8 or other flags.
// NODE_DISABLE_COMPILE_CACHE turns it off, as it does Node's own. Nothing here can stop a run:
// a cache that cannot be read or written costs the next run its compile, nothing more.
// V8 keeps the functions a run called: code kept by a run that rendered no project (--help, a
// typo) lacks most of what the next runs need, so the first run that renders one (the bundle's
// renderedAProject) replaces it; then it stays, whatever runs after.
// (Required once the version check has passed: modern syntax is fine here.)
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const vm = require("node:vm");
const Module = require("node:module");

/**
 * The kept code for `filename` if it is for this very file and Node, whether the run that kept it
 * rendered a project, and where it is kept. The file: a line `KEY rendered` or `KEY other`, then V8's code.
 */
function keptCode(filename) {
  const stat = fs.statSync(filename);
  const key = [filename, stat.ino, stat.size, stat.mtimeMs, process.version, process.arch].join(" ");
  const file = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "create-ocaml-parallel", "cli.v8-code");
  try {
    const saved = fs.readFileSync(file);
    const end = saved.indexOf(10);
    const header = saved.toString("utf8", 0, end);
    const rendered = header === `${key} rendered`;
    return { key, file, code: rendered || header === `${key} other` ? saved.subarray(end + 1) : undefined, rendered };
  } catch {
    return { key, file, code: undefined, rendered: false }; // none kept yet
  }
}

/**
 * At the end of the run, so that the functions it compiled are kept too, when there is no usable
 * kept code or this run rendered a project and the kept code's did not; written whole or not at all.
 */
function keepAtExit(script, kept, cli) {
  process.once("exit", () => {
    const rendered = Boolean(cli.renderedAProject?.());
    if (kept.code !== undefined && !script.cachedDataRejected && (kept.rendered || !rendered)) return;
    const { key, file } = kept;
    const written = `${file}.${process.pid}`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(written, Buffer.concat([Buffer.from(`${key} ${rendered ? "rendered" : "other"}\n`), script.createCachedData()]));
      fs.renameSync(written, file);
    } catch {
      try {
        fs.rmSync(written, { force: true });
      } catch {
        // left for nobody to read: the name has this run's pid
      }
    }
  });
}

/** require(filename) for a CommonJS file that requires only Node's modules and files beside it. */
exports.requireCompiled = (filename) => {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return require(filename);
  let kept;
  try {
    kept = keptCode(filename);
  } catch {
    return require(filename); // no home folder to keep code in
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(filename, "utf8")), { filename, cachedData: kept.code });
  const loaded = { exports: {} };
  script.runInThisContext().call(loaded.exports, loaded.exports, Module.createRequire(filename), loaded, filename, path.dirname(filename));
  keepAtExit(script, kept, loaded.exports);
  return loaded.exports;
};
