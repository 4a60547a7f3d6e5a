/**
 * A real terminal for the interactive flow: the CLI runs in a tmux pane, keys
 * go in with send-keys, the screen comes out with capture-pane.
 */
import { execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

let counter = 0;

export class Terminal {
  readonly session = `cop-${process.pid}-${++counter}`;

  /** Starts `command` (argv) in `cwd`; the pane stays open after it exits and shows its exit code. */
  constructor(command: string[], cwd: string) {
    const quoted = command.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    // CI=true (as in our own CI) would make the CLI non-interactive: the pane runs without it
    const script = `env -u CI NO_COLOR=1 ${quoted}; echo "[exit $?]"; sleep 600`;
    execFileSync("tmux", ["new-session", "-d", "-s", this.session, "-x", "160", "-y", "50", "-c", cwd, "bash", "-c", script]);
  }

  screen(): string {
    return execFileSync("tmux", ["capture-pane", "-p", "-t", this.session], { encoding: "utf8" });
  }

  /** Sends keys as tmux names them: text, "Enter", "Down", "C-c"... */
  keys(...keys: string[]) {
    execFileSync("tmux", ["send-keys", "-t", this.session, ...keys]);
  }

  /** Waits until the screen matches, or fails with the screen in the message. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; the screen:\n${screen}`);
      await sleep(100);
    }
  }

  close() {
    try {
      execFileSync("tmux", ["kill-session", "-t", this.session], { stdio: "ignore" });
    } catch {
      // already gone
    }
  }
}
