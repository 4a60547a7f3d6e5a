/**
 * The distributed templates as batch jobs on a real two-node Slurm (test/helpers/slurm-cluster.sh):
 * the two test hosts of the two-host test, in namespaces and a network of their own, slurmctld
 * on the first, a slurmd on each, Debian forky's Slurm with a configuration made for the occasion.
 * The jobs are the generated projects' own `slurm/` scripts, submitted as their READMEs say.
 * Needs root, `ip` and the toolchain's source folder (rpc_parallel, ocamlmpi).
 */

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalog, type Template } from "../src/catalog.js";
import { outputOf, repo, runCli } from "./helpers/cli.js";
import { forkyHasSources, forkyRoot, forkyWorkDir, inForky, removeForkyWorkDirs } from "./helpers/forky.js";

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

/** The README's text with the example nodes and network replaced by the test cluster's. */
const ours = (text: string) =>
  text.replaceAll("node1", nodes[0]).replaceAll("node2", nodes[1]).replaceAll("192.168.1.0/24", "169.254.78.0/24");

/** Submits a batch script from a folder, as `sbatch SCRIPT`; returns the job's id. */
async function submit(folder: string, script: string): Promise<string> {
  const r = await onNode(1, `cd ${folder} && sbatch ${script}`, 60_000);
  expect(r.exitCode, r.all).toBe(0);
  const id = /^Submitted batch job (\d+)$/m.exec(r.stdout)?.[1];
  expect(id, r.all).toBeDefined();
  return id as string;
}

/** Waits, as `squeue` shows it, until none of these jobs is pending or running, up to `seconds`. */
async function waitFor(ids: string[], seconds: number) {
  for (let waited = 0; ; waited += 2) {
    const q = await onNode(1, `squeue -h -j ${ids.join(",")} -o '%i %T %R'`, 30_000);
    expect(q.exitCode, q.all).toBe(0);
    if (q.stdout.trim() === "") return;
    if (waited >= seconds) throw new Error(`jobs still queued after ${seconds} s:\n${q.stdout}`);
    await sleep(2000);
  }
}

/** How a job ended, as `scontrol show job` keeps it for minutes afterwards: one line a task of an array. */
async function ending(id: string) {
  const r = await onNode(1, `scontrol show job ${id} -o`, 30_000);
  expect(r.exitCode, r.all).toBe(0);
  return r.stdout
    .trim()
    .split("\n")
    .map((l) => `${/JobState=(\S+)/.exec(l)?.[1]} ${/ExitCode=(\S+)/.exec(l)?.[1]}`);
}

/** A job's output files (`NAME-ID.out`, or `NAME-ID_TASK.out` for an array), in task order. */
function outputsOf(folder: string, id: string): string[] {
  const task = (f: string) => Number(/_(\d+)\.out$/.exec(f)?.[1] ?? 0);
  return readdirSync(folder)
    .filter((f) => f.endsWith(`-${id}.out`) || new RegExp(`-${id}_\\d+\\.out$`).test(f))
    .sort((a, b) => task(a) - task(b))
    .map((f) => readFileSync(join(folder, f), "utf8"));
}

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

  describe.each(
    loadCatalog()
      .filter((m) => m.run.onSlurm)
      .map((m) => [m.name, m] as const),
  )("%s", (_, manifest: Template) => {
    it("runs its slurm/ jobs as its README says: on both nodes, every task of an array, the answers right", async () => {
      const { jobs } = manifest.run.onSlurm!;
      const [outside, inside] = forkyWorkDir(root, `${manifest.name}-slurm-`);
      const project = join(outside, "proj");
      const r = await runCli([project, "--template", manifest.name, "--yes", "--no-git", "--name", "starter"]);
      expect(r.exitCode, outputOf(r)).toBe(0);
      const build = await inForky(`cd ${inside}/proj && dune build 2>&1`);
      expect(build.exitCode, build.all).toBe(0);
      const ids: string[] = [];
      for (const job of jobs) {
        const file = join(project, job.script);
        writeFileSync(file, ours(readFileSync(file, "utf8")));
        ids.push(await submit(`${inside}/proj`, job.script));
      }
      await waitFor(ids, 420);
      for (const [j, job] of jobs.entries()) {
        const outputs = outputsOf(project, ids[j]);
        expect(outputs, `${job.script}: ${outputs.length} outputs`).toHaveLength(job.expect.length);
        for (const [task, output] of outputs.entries()) expect(output, job.script).toMatch(new RegExp(ours(job.expect[task])));
        expect(await ending(ids[j])).toEqual(job.expect.map(() => "COMPLETED 0:0"));
      }
    }, 600_000);
  });
});
