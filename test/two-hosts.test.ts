/**
 * The distributed templates on two hosts, as their READMEs tell users to run them:
 * two network namespaces joined by a veth pair, link-local addresses, an sshd each
 * (test/helpers/two-hosts.sh). The commands are the manifests' `run.acrossHosts`, the
 * ones the generated READMEs print, with the hosts' names and network put in.
 * Needs root, `ip` and the toolchain's source folder (async, rpc_parallel, ocamlmpi).
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalog, type Template } from "../src/catalog/catalog.js";
import { outputOf, repo, runCli } from "./helpers/cli.js";
import { forkyHasSources, forkyRoot, forkyWorkDir, inForky, removeForkyWorkDirs } from "./helpers/forky.js";

const script = join(repo, "test/helpers/two-hosts.sh");
const NETWORK = "169.254.77.0/24";

const root = forkyRoot();
const why =
  process.getuid?.() !== 0 ? "not root" : !(await forkyHasSources()) ? "the toolchain has no source folder (OCAML_SOURCES)" : undefined;
if (why) console.warn(`two-hosts: skipped (${why}): mpi and rpc-parallel are not run across two hosts`);

/** The two hosts' folder in the chroot, and their names once up. */
const [hostsDir] = why ? [""] : forkyWorkDir(root, "two-hosts-");
let names: [string, string] = ["", ""];

const twoHosts = (args: string[], timeout: number) => execa("bash", [script, ...args], { reject: false, all: true, timeout });
/** Runs a bash script as host 1 or 2, bounded in time; never rejects. */
const onHost = (n: 1 | 2, command: string, timeout = 120_000) => twoHosts(["run", hostsDir, String(n), command], timeout);

/** The README's text with the example hosts and network replaced by the test's. */
const ours = (text: string) => text.replaceAll("node1", names[0]).replaceAll("node2", names[1]).replaceAll("192.168.1.0/24", NETWORK);

describe.skipIf(why)("two hosts", () => {
  beforeAll(async () => {
    const up = await twoHosts(["up", hostsDir], 120_000);
    expect(up.exitCode, up.all).toBe(0);
    names = up.stdout.trim().split(" ") as [string, string];
  }, 180_000);

  // also after a failure; `down` kills every process in both namespaces, sshd and workers alike
  afterAll(async () => {
    if (hostsDir) await twoHosts(["down", hostsDir], 60_000);
    removeForkyWorkDirs();
  });

  it("each host has only its loopback and its link to the other: no route anywhere else", async () => {
    for (const n of [1, 2] as const) {
      const r = await onHost(n, "hostname; cat /proc/net/route | tail -n +2 | wc -l; cat /proc/net/dev | tail -n +3 | cut -d: -f1");
      expect(r.exitCode, r.all).toBe(0);
      const [hostname, routes, ...interfaces] = r.stdout
        .trim()
        .split("\n")
        .map((l) => l.trim());
      expect(hostname).toBe(names[n - 1]);
      expect(Number(routes)).toBe(1); // the link-local /24, no default route
      expect(interfaces).toHaveLength(2);
      expect(interfaces).toContain("lo");
      expect(interfaces.find((i) => i !== "lo")).toMatch(/^v/);
    }
  });

  describe.each(
    loadCatalog()
      .filter((m) => m.run.acrossHosts)
      .map((m) => [m.name, m] as const),
  )("%s", (_, manifest: Template) => {
    it("runs across both hosts exactly as its README says, and the answer agrees", async () => {
      const across = manifest.run.acrossHosts!;
      const [outside, inside] = forkyWorkDir(root, `${manifest.name}-2h-`);
      const project = join(outside, "proj");
      const r = await runCli([project, "--template", manifest.name, "--yes", "--no-git", "--name", "starter"]);
      expect(r.exitCode, outputOf(r)).toBe(0);
      const build = await inForky(`cd ${inside}/proj && dune build 2>&1`);
      expect(build.exitCode, build.all).toBe(0);
      for (const [file, text] of Object.entries(across.files)) writeFileSync(join(project, file), ours(text));
      const run = await onHost(1, `cd ${inside}/proj && timeout 90 ${ours(across.command)} 2>&1`);
      expect(run.exitCode, run.all).toBe(0);
      expect(run.all).toMatch(new RegExp(ours(across.expect)));
    }, 300_000);
  });
});
