/**
 * The package as npm ships it: `npm pack`, installed from the tarball into an
 * empty project, and run through `npm create` from a registry serving it (a
 * local one, offline), as users get it.
 */

import { createHash } from "node:crypto";
import { cpSync, readFileSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exists, outputOf, repo, tempDir } from "./helpers/cli.js";

const npm = (args: string[], cwd: string) =>
  // npm's own options first: after a `--` they would go to the command
  execa(
    "npm",
    [args[0], "--no-audit", "--no-fund", "--cache", join(cache, "npm-cache"), "--userconfig", join(cache, "npmrc"), ...args.slice(1)],
    {
      cwd,
      reject: false,
      all: true,
      timeout: 240_000,
      // as a user's shell would have it: not the npm_config_* that `npm test` or npx set for this process
      extendEnv: false,
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
        NO_COLOR: "1",
        npm_config_update_notifier: "false",
      },
    },
  );

let cache = "";
let tarball = "";
let manifest: Record<string, unknown> = {};
/** A copy of this repository to pack: packing rebuilds dist/, which the other test files run meanwhile. */
let copy = "";

beforeAll(async () => {
  cache = tempDir("cop-npm-");
  copy = tempDir("cop-repo-");
  for (const part of ["package.json", "README.md", "LICENSE", "bin", "templates", "scripts", "src", "generators"])
    cpSync(join(repo, part), join(copy, part), { recursive: true });
  symlinkSync(join(repo, "node_modules"), join(copy, "node_modules"));
  const packed = await npm(["pack", "--json", "--pack-destination", cache], copy);
  expect(packed.exitCode, packed.all).toBe(0);
  tarball = join(cache, JSON.parse(String(packed.stdout))[0].filename);
  const listing = await execa("tar", ["-xzOf", tarball, "package/package.json"]);
  manifest = JSON.parse(listing.stdout);
}, 300_000);

describe("npm pack", () => {
  it("leaves the package.json it packed as it was, and builds dist/", () => {
    expect(readFileSync(join(copy, "package.json"), "utf8")).toBe(readFileSync(join(repo, "package.json"), "utf8"));
    expect(exists(join(copy, ".package.json.before-pack"))).toBe(false);
    expect(exists(join(copy, "dist/cli.cjs"))).toBe(true);
  });

  it("ships a package.json with no prepare (scripts/ is not shipped), a license, and where the project lives", async () => {
    expect(Object.keys(manifest.scripts as object)).not.toContain("prepare");
    expect(manifest.license).toBe("MIT");
    expect(manifest.repository).toEqual({ type: "git", url: "git+https://github.com/create-ocaml-parallel/create-ocaml-parallel.git" });
    expect(manifest.homepage).toMatch(/^https:\/\/github\.com\/create-ocaml-parallel\/create-ocaml-parallel/);
    expect(manifest.bugs).toEqual({ url: "https://github.com/create-ocaml-parallel/create-ocaml-parallel/issues" });
    const files = (await execa("tar", ["-tzf", tarball])).stdout.split("\n");
    expect(files).toContain("package/LICENSE");
    expect(files).toContain("package/dist/cli.cjs");
    expect(files).toContain("package/templates/name-clashes.json");
    expect(files.some((f) => f.startsWith("package/scripts/"))).toBe(false);
    expect(readFileSync(join(repo, "LICENSE"), "utf8")).toMatch(
      /^MIT License\n\nCopyright \(c\) 2026 create-ocaml-parallel contributors\n/,
    );
  });
});

describe("installed from the tarball", () => {
  it("installs without a warning and runs", async () => {
    const project = tempDir("cop-install-");
    expect((await npm(["init", "-y"], project)).exitCode).toBe(0);
    const installed = await npm(["install", "--offline", tarball], project);
    expect(installed.exitCode, installed.all).toBe(0);
    expect(installed.all).not.toMatch(/warn|prepare/i);
    const r = await execa(join(project, "node_modules/.bin/create-ocaml-parallel"), ["app", "domains", "--yes", "--no-git"], {
      cwd: project,
      reject: false,
    });
    expect(r.exitCode, outputOf(r)).toBe(0);
    expect(exists(join(project, "app/dune-project"))).toBe(true);
  }, 300_000);
});

/** A registry holding only this package, so `npm create ocaml-parallel` resolves it as from npmjs.com. */
let registry: Server;
let registryUrl = "";
beforeAll(async () => {
  const tgz = readFileSync(tarball);
  const integrity = `sha512-${createHash("sha512").update(tgz).digest("base64")}`;
  registry = createServer((req, res) => {
    const base = `http://127.0.0.1:${(registry.address() as { port: number }).port}`;
    if (req.url === "/create-ocaml-parallel") {
      const version = { ...manifest, dist: { tarball: `${base}/create-ocaml-parallel.tgz`, integrity } };
      res.setHeader("content-type", "application/json");
      return res.end(
        JSON.stringify({
          name: manifest.name,
          "dist-tags": { latest: manifest.version },
          versions: { [String(manifest.version)]: version },
        }),
      );
    }
    if (req.url === "/create-ocaml-parallel.tgz") return res.end(tgz);
    res.statusCode = 404;
    res.end("{}");
  });
  await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
  registryUrl = `http://127.0.0.1:${(registry.address() as { port: number }).port}/`;
});
afterAll(() => new Promise<void>((resolve) => (registry ? registry.close(() => resolve()) : resolve())));

describe("npm create ocaml-parallel", () => {
  const create = (args: string[], cwd: string) => npm(["create", "ocaml-parallel@latest", "--registry", registryUrl, ...args], cwd);

  it("without --, npm keeps the options for itself: --name is lost", async () => {
    const cwd = tempDir("cop-create-");
    const r = await create(["app", "domains", "--yes", "--name", "other"], cwd);
    expect(r.exitCode, r.all).toBe(0);
    expect(exists(join(cwd, "app/app.opam"))).toBe(true);
    expect(exists(join(cwd, "app/other.opam"))).toBe(false);
  }, 300_000);

  it("with -- as the README writes it, every option reaches the CLI", async () => {
    const cwd = tempDir("cop-create-");
    const r = await create(["--", "app", "domains", "--yes", "--no-git", "--name", "other"], cwd);
    expect(r.exitCode, r.all).toBe(0);
    expect(exists(join(cwd, "app/other.opam"))).toBe(true);
    expect(exists(join(cwd, "app/.git"))).toBe(false);
  }, 300_000);

  it("the README's npm create commands put -- before any option", () => {
    const commands = readFileSync(join(repo, "README.md"), "utf8").match(/npm create ocaml-parallel[^`\n#|]*/g) ?? [];
    expect(commands.length).toBeGreaterThan(2);
    for (const command of commands) {
      const words = command.trim().split(/\s+/);
      const firstOption = words.findIndex((w) => w.startsWith("-") && w !== "--");
      if (firstOption >= 0) expect(words.slice(0, firstOption), command).toContain("--");
    }
  });
});
