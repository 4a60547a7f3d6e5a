// The real opam solver against a snapshot of the default opam repository, offline: what a
// user's `opam install . --deps-only --with-test` would do on OCaml X, asked of the forky
// chroot's opam (2.5) inside an empty network namespace, so nothing is ever fetched.
//
// The snapshot folder (OPAM_REPOSITORY_SNAPSHOT; .ci/run sets it to ../shared/opam-repository)
// holds one opam-repository-*.tar.gz and its SHA256SUMS (see its README). It is checked,
// unpacked into the chroot and pruned to the packages our templates can pull in: every package
// reachable through `depends:` and `depopts:` from their dependencies and the compilers. A
// solution only ever holds such packages, so the pruned repository gives the answers of the
// whole one, about six times faster (test/opam-solve.test.ts compares one solution on both).
// Each is `opam init`ed once, cached by the archive's checksum.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root as repo } from "./examples.mjs";

const toolchain = join(repo, "scripts/forky-toolchain.sh");
const forky = (args, options = {}) => execFileSync("bash", [toolchain, ...args], { encoding: "utf8", maxBuffer: 256 << 20, ...options });

/**
 * A new folder under the chroot's /work, for files a command in the chroot reads or writes:
 * not /tmp, which forky-toolchain.sh run gives every command a private one of.
 */
export function chrootWorkFolder(chroot, prefix) {
  mkdirSync(join(chroot, "work"), { recursive: true });
  return mkdtempSync(join(chroot, "work", prefix));
}

/** The snapshot folder, or undefined when none is given. */
export const snapshotFolder = () => process.env.OPAM_REPOSITORY_SNAPSHOT || undefined;

/** Platforms as opam's variables describe them: the solver's `available:` and depexts' filters read these. */
export const PLATFORMS = {
  debian: { os: "linux", "os-family": "debian", "os-distribution": "debian", arch: "x86_64" },
  ubuntu: { os: "linux", "os-family": "debian", "os-distribution": "ubuntu", arch: "x86_64" },
  fedora: { os: "linux", "os-family": "fedora", "os-distribution": "fedora", arch: "x86_64" },
  // GitHub's macos-latest: Apple silicon, with Homebrew
  homebrew: { os: "macos", "os-family": "homebrew", "os-distribution": "homebrew", arch: "arm64" },
};

const TOKEN = /"""[\s\S]*?"""|"(?:[^"\\]|\\.)*"|[[\]{}()]|^[a-z][a-z0-9-]*:/gm;
/** Every string in an opam file's `depends:` and `depopts:` (package names among them). */
function dependencyStrings(text) {
  const out = [];
  let field = "";
  let depth = 0;
  for (const [t] of text.matchAll(TOKEN)) {
    if (depth === 0 && t.endsWith(":") && !t.startsWith('"')) field = t.slice(0, -1);
    else if ("[{(".includes(t)) depth++;
    else if ("]})".includes(t)) depth--;
    else if ((field === "depends" || field === "depopts") && !t.startsWith('"""')) out.push(t.slice(1, -1));
  }
  return out;
}

/** The packages reachable from `roots` through any version's depends and depopts. */
export function reachable(repository, roots) {
  const packages = join(repository, "packages");
  const names = new Set(readdirSync(packages));
  const seen = new Set();
  const todo = roots.filter((r) => names.has(r));
  while (todo.length) {
    const name = todo.pop();
    if (seen.has(name)) continue;
    seen.add(name);
    for (const version of readdirSync(join(packages, name)))
      for (const s of dependencyStrings(readFileSync(join(packages, name, version, "opam"), "utf8")))
        if (names.has(s) && !seen.has(s)) todo.push(s);
  }
  return [...seen].sort();
}

/** Released ocaml-base-compiler versions in the repository (no ~alpha, ~rc), oldest first. */
export function compilerReleases(repository) {
  const versions = readdirSync(join(repository, "packages/ocaml-base-compiler"))
    .map((d) => d.replace(/^ocaml-base-compiler\./, ""))
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  const key = (v) => v.split(".").map(Number);
  return versions.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
}

const sha = (s) => createHash("sha256").update(s).digest("hex").slice(0, 12);

/**
 * Checks, unpacks, prunes and initialises the snapshot in the chroot (once; cached).
 * `roots`: the opam packages the projects depend on. Returns the chroot's root, the unpacked
 * repository (outside path) and the opam roots to solve with (inside paths).
 */
export function prepareSnapshot(folder, roots, { full = false } = {}) {
  execFileSync("sha256sum", ["--check", "--strict", "--quiet", "SHA256SUMS"], { cwd: folder, stdio: ["ignore", "ignore", "inherit"] });
  const [checksum, archive] = readFileSync(join(folder, "SHA256SUMS"), "utf8").trim().split(/\s+/);
  forky(["setup"], { stdio: ["ignore", "ignore", "inherit"] });
  const chroot = forky(["root"]).trim();
  const base = `/var/cache/create-ocaml-parallel/opam-snapshot/${checksum.slice(0, 12)}`;
  const repository = join(chroot, base, "opam-repository");
  if (!existsSync(join(chroot, base, ".unpacked"))) {
    rmSync(join(chroot, base), { recursive: true, force: true });
    mkdirSync(join(chroot, base), { recursive: true });
    execFileSync("tar", ["-xzf", join(folder, archive.replace(/^\*/, "")), "-C", join(chroot, base)]);
    if (!existsSync(join(repository, "packages"))) throw new Error(`${archive} has no opam-repository/packages`);
    writeFileSync(join(chroot, base, ".unpacked"), archive);
  }
  const wanted = [...new Set(["ocaml", "ocaml-base-compiler", "dune", ...roots])].sort();
  const pruned = `${base}/pruned-${sha(wanted.join(" "))}`;
  if (!existsSync(join(chroot, pruned, ".ready"))) {
    rmSync(join(chroot, pruned), { recursive: true, force: true });
    mkdirSync(join(chroot, pruned, "packages"), { recursive: true });
    for (const f of ["repo", "version"]) if (existsSync(join(repository, f))) cpSync(join(repository, f), join(chroot, pruned, f));
    for (const name of reachable(repository, wanted))
      cpSync(join(repository, "packages", name), join(chroot, pruned, "packages", name), { recursive: true });
    writeFileSync(join(chroot, pruned, ".ready"), wanted.join(" "));
  }
  const init = (repo, opamRoot) => {
    if (existsSync(join(chroot, opamRoot, ".ready"))) return opamRoot;
    rmSync(join(chroot, opamRoot), { recursive: true, force: true });
    const script = `export OPAMROOT=${opamRoot} OPAMYES=1 OPAMCOLOR=never
      opam init --bare --no-setup --disable-sandboxing default ${repo} && opam switch create solve --empty`;
    forky(["run", "unshare", "--net", "bash", "-c", script], { stdio: ["ignore", "ignore", "pipe"], timeout: 300_000 });
    writeFileSync(join(chroot, opamRoot, ".ready"), repo);
    return opamRoot;
  };
  return {
    chroot,
    repository,
    archive,
    prunedRoot: init(pruned, `${pruned}.opamroot`),
    fullRoot: full ? init(`${base}/opam-repository`, `${base}/full.opamroot`) : undefined,
  };
}

const shellWord = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const opamVars = (platform) =>
  Object.entries(platform ?? {})
    .map(([k, v]) => `OPAMVAR_${k.replace(/-/g, "_")}=${shellWord(v)}`)
    .join(" ");

/**
 * Solves every case in one chroot run, with no network: `opam install --dry-run --deps-only
 * --with-test ocaml-base-compiler.VERSION PROJECT` (PROJECT: a folder inside the chroot),
 * optionally as on another `platform` (opam's os, arch... variables). Depexts are left out
 * (`--no-depexts`): what they are is read separately (depextsOf). Returns, per case, opam's
 * exit code, the end of its output and, when it solved, the packages of the solution.
 */
export function solve(snapshot, opamRoot, cases, { timeout = 900_000 } = {}) {
  const work = chrootWorkFolder(snapshot.chroot, "opam-solve-");
  const inside = work.slice(snapshot.chroot.length);
  const script = [
    `export OPAMROOT=${opamRoot} OPAMYES=1 OPAMCOLOR=never OPAMSOLVERTIMEOUT=60`,
    ...cases.map((c, i) =>
      [
        `echo '### ${i}'`,
        `env ${opamVars(c.platform)} timeout 120 opam install --switch=solve --dry-run --deps-only --with-test --no-depexts ocaml-base-compiler.${c.compiler} ${shellWord(c.project)} --json=${inside}/${i}.json > ${inside}/${i}.out 2>&1`,
        `echo "exit $?"`,
      ].join("; "),
    ),
  ].join("\n");
  writeFileSync(join(work, "solve.sh"), script);
  try {
    const out = forky(["run", "unshare", "--net", "bash", `${inside}/solve.sh`], { timeout });
    const exits = new Map([...out.matchAll(/^### (\d+)\nexit (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]));
    return cases.map((c, i) => {
      const exit = exits.get(i);
      if (exit === undefined) throw new Error(`opam-snapshot: no answer for case ${i}:\n${out.slice(-2000)}`);
      const output = readFileSync(join(work, `${i}.out`), "utf8");
      const json = existsSync(join(work, `${i}.json`)) ? JSON.parse(readFileSync(join(work, `${i}.json`), "utf8")) : {};
      // --deps-only installs opam's own deps-of-PACKAGE stand-ins: not packages of the repository
      const solution =
        exit === 0 ? (json.solution ?? []).map((a) => a.install).filter((p) => p && !p.name.startsWith("deps-of-")) : undefined;
      return {
        ...c,
        exit,
        output: output
          .split("\n")
          .filter((l) => !l.includes("Running as root"))
          .slice(-12)
          .join("\n"),
        solution,
      };
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The system packages opam's depexts ask for on `platform`, per package of `packages`
 * (`name.version`): opam evaluates each package's depexts filters with the platform's variables.
 */
export function depextsOf(opamRoot, packages, platform) {
  if (packages.length === 0) return {};
  const vars = Object.entries(platform)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const script = [
    `export OPAMROOT=${opamRoot} OPAMYES=1 OPAMCOLOR=never`,
    ...packages.map((p) => `echo '### ${p}'; opam list --switch=solve -A --external --vars=${vars} ${shellWord(p)} 2>/dev/null`),
  ].join("\n");
  const out = forky(["run", "unshare", "--net", "bash", "-c", script], { timeout: 300_000 });
  return Object.fromEntries(
    out
      .split(/^### /m)
      .slice(1)
      .map((block) => {
        const [name, ...lines] = block.trim().split("\n");
        return [name, lines.map((l) => l.trim()).filter((l) => l && !l.startsWith("#") && !l.startsWith("["))];
      }),
  );
}
