/**
 * The starters' server mode (a manifest's `run.serve`: `main.exe -serve PORT`) against clients
 * that misbehave. Every starter with one whose libraries the forky chroot has is built there and
 * started as a child this file holds. The chroot shares this machine's network namespace (the
 * toolchain unshares only the mount and pid namespaces), so the clients are this process's own
 * sockets on 127.0.0.1. After each rude client a polite one must still get its echo; SIGTERM, and
 * SIGINT on a second start, must end the server with exit 0 and its port closed, also while a
 * client that never reads is connected. The time limits are liveness bounds, not speed checks.
 */
import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { allTemplates, runCommand, type Template, templateId } from "../src/catalog/catalog.js";
import { outputOf, runCli } from "./helpers/cli.js";
import { forkyBuildable, forkyRoot, forkyWorkDir, inForky, keepForkyWorkDir, removeForkyWorkDirs, spawnInForky } from "./helpers/forky.js";

afterAll(removeForkyWorkDirs);

const root = forkyRoot();
const buildable = forkyBuildable();
const servers = allTemplates().filter((m) => m.run.serve);

/** Resolves or rejects as `p` does, or rejects after `ms` saying what it waited for. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, ok: () => boolean, ms = 5_000) {
  for (const end = Date.now() + ms; !ok(); await sleep(50)) if (Date.now() > end) throw new Error(`${what}: not after ${ms} ms`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** A client socket whose errors are expected (a reset is what these clients cause). */
function rude(port: number): Promise<net.Socket> {
  return within(
    10_000,
    "a connection",
    new Promise((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1", () => resolve(s));
      s.on("error", reject);
    }),
  );
}

/** A polite client: sends `text` and half-closes, reads everything (from `readAfter` ms on) until the server hangs up. */
function echo(port: number, text: string, readAfter = 0): Promise<string> {
  const s = net.connect(port, "127.0.0.1");
  return within(
    20_000,
    `the echo of "${text.slice(0, 40).trim()}"`,
    new Promise<string>((resolve, reject) => {
      let got = "";
      s.setEncoding("utf8");
      s.pause();
      s.on("connect", () => {
        s.end(text);
        setTimeout(() => s.resume(), readAfter);
      });
      s.on("data", (d) => (got += d));
      s.on("end", () => resolve(got));
      s.on("error", reject);
    }),
  ).finally(() => s.destroy());
}

/** `lines` lines of about 40 bytes, in one string. */
const lines = (n: number, what: string) => Array.from({ length: n }, (_, i) => `${what} ${i}\n`).join("");

/** The host pid of the process named `name` among `pid`'s descendants (the chroot's processes are this machine's too). */
function descendant(pid: number, name: string): number | undefined {
  const children = new Map<number, number[]>();
  for (const p of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
    } catch {
      // gone meanwhile
    }
  }
  for (const queue = [pid]; queue.length; ) {
    for (const child of children.get(queue.shift()!) ?? []) {
      try {
        if (readFileSync(`/proc/${child}/comm`, "utf8").trim() === name.slice(0, 15)) return child;
      } catch {
        // gone meanwhile
      }
      queue.push(child);
    }
  }
  return undefined;
}

/** Starts the built server on a free port; resolves once it printed its line. Killed (its whole process group) when the test ends. */
async function start(m: Template, project: string) {
  const port = await freePort();
  // the built executable, not `dune exec`: the signals must reach the server itself
  const command = runCommand(m).replace("dune exec ./bin/main.exe --", "./_build/default/bin/main.exe");
  // `; exit $?`: bash stays the pid namespace's first process, so the server is an ordinary one
  // (a namespace's first process ignores the signals it has no handler for, SIGPIPE too)
  const child = spawnInForky(`cd ${project} && ${command} ${m.run.serve!.flag} ${port}; exit $?`);
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
  });
  const out = { stdout: "", stderr: "" };
  child.stdout!.on("data", (d) => (out.stdout += d));
  child.stderr!.on("data", (d) => (out.stderr += d));
  const listening = `listening on 127.0.0.1:${port}`;
  await within(
    30_000,
    `"${listening}"`,
    Promise.race([
      until(listening, () => out.stdout.includes(`${listening}\n`), 30_000),
      child.then((r) => Promise.reject(new Error(`exited before listening: ${outputOf(r)}`))),
    ]),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  // the toolchain's script passes on the server's status (128 + N for a signal N, e.g. 141 for SIGPIPE)
  const status = () => `exit ${child.exitCode ?? child.signalCode}`;
  /** Sends `signal` to the server; resolves to its exit status, bounded. */
  const stop = async (signal: NodeJS.Signals) => {
    const pid = descendant(child.pid!, basename(command.split(" ")[0]));
    expect(pid, "the server's process").toBeDefined();
    process.kill(pid!, signal);
    const r = await within(5_000, `the server's exit after ${signal}`, child);
    return r.exitCode;
  };
  return { port, out, running, status, stop, listening };
}

/** The server refuses connections: its listening socket is closed. */
const refused = (port: number) =>
  new Promise<string>((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => {
      s.destroy();
      resolve("connected");
    });
    s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
  });

it("the echo starters declare their server mode, a flag taking a port", () => {
  expect(servers.map(templateId)).toEqual(expect.arrayContaining(["async", "eio", "luv", "lwt"]));
  for (const m of servers) expect(m.run.flags[m.run.serve!.flag], templateId(m)).toBe("port");
});

describe.each(servers.map((m) => [templateId(m), m] as const))("%s -serve", (id, m) => {
  let project = "";
  let folder = "";
  // the project is kept when a test fails, to look at
  const keepIfFailed = () =>
    onTestFinished(({ task }) => {
      if (task.result?.state === "fail") keepForkyWorkDir(folder);
    });
  beforeAll(async () => {
    if (!buildable(m)) return;
    const [outside, inside] = forkyWorkDir(root, `servers-${id}-`);
    const variant = m.variant ? ["--variant", m.variant.name] : [];
    const g = await runCli([join(outside, "proj"), "--template", m.name, ...variant, "--yes", "--no-git", "--name", "starter"]);
    expect(g.exitCode, outputOf(g)).toBe(0);
    const build = await inForky(`cd ${inside}/proj && dune build 2>&1`, 600_000);
    expect(build.exitCode, build.all).toBe(0);
    [folder, project] = [outside, `${inside}/proj`];
  }, 900_000);

  it.runIf(buildable(m))(
    "survives clients that reset, never read, send an endless line or half-close; SIGTERM ends it with exit 0",
    async () => {
      keepIfFailed();
      const server = await start(m, project);
      const { port, out } = server;
      const logged = () => out.stderr.split("\n").filter(Boolean).length;
      /** Runs a misbehaving client; then a polite one must still get its echo. `logs`: the server must log its failure. */
      const attack = async (what: string, client: () => Promise<unknown>, logs = false) => {
        const before = logged();
        const state = () => (server.running() ? "the server still runs" : `the server exited: ${server.status()}`);
        const failed = async (e: Error) => {
          await sleep(500);
          return `${e.message} (${state()})`;
        };
        const problem = await client().then(() => undefined, failed);
        expect(problem, `${what}; the server's stderr:\n${out.stderr}`).toBeUndefined();
        const reply = await echo(port, `polite, after ${what}\n`).catch(failed);
        expect(reply, `after ${what}; the server's stderr:\n${out.stderr}`).toBe(`polite, after ${what}\n`);
        if (logs) await until(`a logged line for ${what}`, () => logged() > before);
      };

      await attack("nothing", async () => {});

      await attack("a reset mid-stream (a line, its echo, half a line, a reset)", async () => {
        const s = await rude(port);
        s.write("a first line\n");
        await within(5_000, "the first echo", new Promise((resolve) => s.once("data", resolve)));
        s.write("half a li");
        s.resetAndDestroy();
      });

      // the echoes pile up unread; its close is a reset under the server's writes
      await attack(
        "a client that sends 4 MB of lines, never reads, and leaves",
        async () => {
          const s = await rude(port);
          s.pause();
          s.write(lines(100_000, "a line whose echo is never read"));
          await sleep(500);
          s.destroy();
        },
        true,
      );

      // the echoes meet a socket closed before they came (EPIPE, or SIGPIPE where it is not ignored)
      await attack("5 clients that send lines and hang up at once", async () => {
        for (let i = 0; i < 5; i++) {
          const s = await rude(port);
          s.pause();
          s.end(lines(1000, "a line from a client that hangs up at once"), () => s.destroy());
        }
      });

      // the server must cut it off rather than buffer it all, waiting for its end
      await attack(
        "1 MiB without a newline",
        async () => {
          const s = await rude(port);
          s.resume();
          const closed = new Promise((resolve) => s.on("close", resolve));
          s.write("x".repeat(1 << 20));
          await within(10_000, "the server cutting the line off", closed);
        },
        true,
      );

      await attack("200 clients that connect and reset at once, 20 at a time", () =>
        within(
          60_000,
          "200 connect-and-reset clients",
          (async () => {
            for (let round = 0; round < 10; round++)
              await Promise.all(Array.from({ length: 20 }, () => rude(port).then((s) => s.resetAndDestroy())));
          })(),
        ),
      );

      // every line sent before the half-close still gets its echo, then the server hangs up,
      // also when the echoes queue up because the client reads them only later
      const many = lines(100_000, "a line sent before a half-close");
      await attack("a half-close after 4 MB of lines, read 0.5 s later", async () =>
        expect((await echo(port, many, 500)) === many, "every echo, then the end").toBe(true),
      );

      // a client that never reads stays connected while the server is told to stop
      const stalled = await rude(port);
      stalled.pause();
      stalled.write(lines(100_000, "a line from a client still connected"));
      await sleep(500);
      expect(await server.stop("SIGTERM"), `the server's stderr:\n${out.stderr}`).toBe(0);
      stalled.destroy();
      expect(await refused(port)).toBe("ECONNREFUSED");
      expect(out.stdout.match(/^listening on .*$/gm)).toEqual([server.listening]);
      expect(logged(), out.stderr).toBeGreaterThan(0);
    },
    300_000,
  );

  it.runIf(buildable(m))(
    "SIGINT ends it with exit 0",
    async () => {
      keepIfFailed();
      const server = await start(m, project);
      expect(await echo(server.port, "hello\n")).toBe("hello\n");
      expect(await server.stop("SIGINT"), `the server's stderr:\n${server.out.stderr}`).toBe(0);
      expect(await refused(server.port)).toBe("ECONNREFUSED");
    },
    120_000,
  );
});
