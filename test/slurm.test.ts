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
import { loadCatalog, type Template } from "../src/catalog/catalog.js";
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

/** A project of the template, generated and built in the chroot: [its path outside, inside]. */
async function builtProject(template: string): Promise<[string, string]> {
  const [outside, inside] = forkyWorkDir(root, `${template}-slurm-`);
  const r = await runCli([join(outside, "proj"), "--template", template, "--yes", "--no-git", "--name", "starter"]);
  expect(r.exitCode, outputOf(r)).toBe(0);
  const build = await inForky(`cd ${inside}/proj && dune build 2>&1`);
  expect(build.exitCode, build.all).toBe(0);
  return [join(outside, "proj"), `${inside}/proj`];
}

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
      const [project, inside] = await builtProject(manifest.name);
      const ids: string[] = [];
      for (const job of jobs) {
        const file = join(project, job.script);
        writeFileSync(file, ours(readFileSync(file, "utf8")));
        ids.push(await submit(inside, job.script));
      }
      await waitFor(ids, 420);
      for (const [j, job] of jobs.entries()) {
        const outputs = outputsOf(project, ids[j]);
        expect(outputs, `${job.script}: ${outputs.length} outputs`).toHaveLength(job.expect.length);
        for (const [task, output] of outputs.entries()) expect(output, job.script).toMatch(new RegExp(ours(job.expect[task])));
        expect(await ending(ids[j])).toEqual(job.expect.map(() => "COMPLETED 0:0"));
      }
      // the outputs stay out of git's way (the generated .gitignore)
      await execa("git", ["init", "-q"], { cwd: project });
      const status = await execa("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: project });
      expect(status.stdout).toContain("slurm/job.sbatch");
      expect(status.stdout).not.toMatch(/\.out$/m);
    }, 600_000);
  });

  // What the mpi README quotes (readme.slurm): Slurm's and Open MPI's own messages, reproduced here.
  it("the first failures print what the mpi README quotes: no PMIx plugin, a job past --time, a node down", async () => {
    const readme = loadCatalog().find((m) => m.name === "mpi")!.readme.slurm!;
    const [project, inside] = await builtProject("mpi");
    const job = join(project, "slurm/job.sbatch");
    writeFileSync(job, ours(readFileSync(job, "utf8")));
    const exe = "./_build/default/bin/main.exe -n 1000 -r 1";
    const quoted = (text: string) => expect(readme).toContain(text);

    // srun in place of mpirun: Debian's Slurm has no PMIx plugin, and Open MPI 6 speaks nothing else
    const list = await onNode(1, "srun --mpi=list 2>&1");
    const plugins = list.stdout.split("\n").filter((l) => l.startsWith("\t"));
    expect(
      plugins.map((l) => l.trim()),
      list.all,
    ).toEqual(["none", "cray_shasta", "pmi2"]);
    const pmix = await onNode(1, `cd ${inside} && timeout 60 srun --nodes=2 --ntasks-per-node=2 --mpi=pmix ${exe} 2>&1`);
    expect(pmix.exitCode, pmix.all).not.toBe(0);
    for (const line of [
      "srun: error: MPI: Cannot create context for mpi/pmix",
      "Invalid MPI type 'pmix', --mpi=list for acceptable types",
    ]) {
      expect(pmix.all).toContain(line);
      quoted(line);
    }
    for (const mpi of ["--mpi=pmi2", ""]) {
      const alone = await onNode(1, `cd ${inside} && timeout 60 srun --nodes=2 --ntasks-per-node=2 ${mpi} ${exe} 2>&1`);
      expect(alone.exitCode, alone.all).toBe(0);
      expect(alone.all.match(/^1 ranks on /gm), alone.all).toHaveLength(4);
      if (mpi) {
        const singletons =
          "No PMIx server was reachable, but a PMI1/2 was detected. If srun is being used to launch application,  4 singletons will be started.";
        expect(alone.all.replace(/\n/g, " ")).toContain(singletons);
        quoted(singletons);
      }
    }

    // a job past its --time (a minute, Slurm's smallest), pinned to node 1 while node 2 goes down
    const slow = await submit(inside, `--time=1 --nodes=1 --nodelist=${nodes[0]} slurm/job.sbatch -n 200000000`);

    // node 2's slurmd stops: the node is down, and a job that needs it waits
    const stop = await cluster(["stop", clusterDir, "2"], 30_000);
    expect(stop.exitCode, stop.all).toBe(0);
    let state = "";
    for (let waited = 0; waited < 120 && !state.startsWith("down*"); waited += 3) {
      await sleep(3000);
      state = (await onNode(1, `sinfo -h -N -n ${nodes[1]} -o '%t %E'`, 30_000)).stdout.trim();
    }
    expect(state).toBe("down* Not responding");
    quoted("`down*`");
    quoted("`Not responding`");
    const waiting = await submit(inside, "slurm/job.sbatch -n 100000");
    await sleep(3000);
    const reason = await onNode(1, `squeue -h -j ${waiting} -o '%t %R'`, 30_000);
    const pending = "(Nodes required for job are DOWN, DRAINED or reserved for jobs in higher priority partitions)";
    expect(reason.stdout.trim()).toBe(`PD ${pending}`);
    quoted(pending);
    // back up: the waiting job starts by itself
    const start = await cluster(["start", clusterDir, "2"], 60_000);
    expect(start.exitCode, start.all).toBe(0);
    await waitFor([slow, waiting], 300);

    expect(await ending(waiting)).toEqual(["COMPLETED 0:0"]);
    expect(outputsOf(project, waiting)[0]).toMatch(new RegExp(ours("4 ranks on node1: 2, node2: 2\\n[\\s\\S]*results agree: yes")));
    const [timeout] = await ending(slow);
    expect(timeout).toMatch(/^TIMEOUT /);
    quoted("`JobState=TIMEOUT`");
    const killed = outputsOf(project, slow)[0];
    expect(killed).toMatch(new RegExp(`error: \\*\\*\\* JOB ${slow} ON ${nodes[0]} CANCELLED AT \\S+ DUE TO TIME LIMIT \\*\\*\\*`));
    quoted("`error: *** JOB JOBID ON node1 CANCELLED AT ... DUE TO TIME LIMIT ***`");
  }, 600_000);
});
