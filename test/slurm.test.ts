/**
 * The distributed templates as batch jobs on a real two-node Slurm (test/helpers/slurm-cluster.sh):
 * the two test hosts of the two-host test, in namespaces and a network of their own, slurmctld
 * on the first, a slurmd on each, Debian forky's Slurm with a configuration made for the occasion.
 * The jobs are the generated projects' own `slurm/` scripts, submitted as their READMEs say.
 * Needs root, `ip` and the toolchain's source folder (rpc_parallel, ocamlmpi).
 */

import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repo } from "./helpers/cli.js";
import { forkyHasSources, forkyRoot, forkyWorkDir, removeForkyWorkDirs } from "./helpers/forky.js";

const script = join(repo, "test/helpers/slurm-cluster.sh");

const root = forkyRoot();
const why =
  process.getuid?.() !== 0 ? "not root" : !(await forkyHasSources()) ? "the toolchain has no source folder (OCAML_SOURCES)" : undefined;
if (why) console.warn(`slurm: skipped (${why}): mpi and rpc-parallel are not run on a Slurm cluster`);

/** The cluster's folder in the chroot, and its nodes' names once up. */
const [clusterDir] = why ? [""] : forkyWorkDir(root, "slurm-");
let nodes: [string, string] = ["", ""];

const cluster = (args: string[], timeout: number) => execa("bash", [script, ...args], { reject: false, all: true, timeout });
/** Runs a bash script on node 1 or 2 (Slurm's commands configured), bounded in time; never rejects. */
const onNode = (n: 1 | 2, command: string, timeout = 120_000) => cluster(["run", clusterDir, String(n), command], timeout);

describe.skipIf(why)("slurm", () => {
  beforeAll(async () => {
    const up = await cluster(["up", clusterDir], 180_000);
    expect(up.exitCode, up.all).toBe(0);
    nodes = up.stdout.trim().split(" ") as [string, string];
  }, 240_000);

  // also after a failure: every daemon stopped by its pid, then both namespaces removed
  afterAll(async () => {
    if (clusterDir) await cluster(["down", clusterDir], 90_000);
    removeForkyWorkDirs();
  }, 120_000);

  it("has two idle nodes, and a step runs on both", async () => {
    const info = await onNode(1, "sinfo -h -N -o '%N %t'");
    expect(info.exitCode, info.all).toBe(0);
    expect(info.stdout.trim().split("\n").sort()).toEqual(nodes.map((n) => `${n} idle`));
    const step = await onNode(2, "timeout 60 srun --nodes=2 --ntasks-per-node=1 hostname");
    expect(step.exitCode, step.all).toBe(0);
    expect(step.stdout.trim().split("\n").sort()).toEqual(nodes);
  });
});
