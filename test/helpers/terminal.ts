/**
 * A real terminal for the interactive flow: the CLI runs in a tmux pane, keys
 * go in with send-keys, the screen comes out with capture-pane.
 */
import { execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

let counter = 0;

export interface TerminalOptions {
  /** Columns and rows (default 160 x 50). */
  width?: number;
  height?: number;
  /** Environment changes: a value sets the variable, undefined unsets it. */
  env?: Record<string, string | undefined>;
}

const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;

export class Terminal {
  readonly session = `cop-${process.pid}-${++counter}`;

  /** Starts `command` (argv) in `cwd`; the pane stays open after it exits and shows its exit code. */
  constructor(command: string[], cwd: string, { width = 160, height = 50, env = {} }: TerminalOptions = {}) {
    // CI=true (as in our own CI) would make the CLI non-interactive: the pane runs without it.
    // The locale is set, not inherited from the tmux server, so the symbols shown are known.
    const vars = { CI: undefined, NO_COLOR: "1", LC_ALL: undefined, LC_CTYPE: undefined, LANG: "C.UTF-8", ...env };
    const entries = Object.entries(vars);
    // env takes its -u options before the assignments
    const unset = entries.filter(([, v]) => v === undefined).map(([k]) => `-u ${k}`);
    const set = entries.filter(([, v]) => v !== undefined).map(([k, v]) => quote(`${k}=${v}`));
    const script = `env ${[...unset, ...set, ...command.map(quote)].join(" ")}; echo "[exit $?]"; sleep 600`;
    const start = ["new-session", "-d", "-s", this.session, "-x", String(width), "-y", String(height), "-c", cwd, "bash", "-c", script];
    // the tmux server exits when the last session is killed; a session started in that moment
    // fails with "server exited unexpectedly", and the next attempt starts a new server
    for (let attempt = 1; ; attempt++) {
      try {
        execFileSync("tmux", start, { stdio: ["ignore", "ignore", "pipe"] });
        return;
      } catch (error) {
        if (attempt === 5 || !String((error as { stderr?: unknown }).stderr).includes("server exited unexpectedly")) throw error;
        execFileSync("sleep", ["0.2"]);
      }
    }
  }

  /** The screen's text, a line per row. */
  screen(): string {
    return execFileSync("tmux", ["capture-pane", "-p", "-t", this.session], { encoding: "utf8" });
  }

  /** The screen's lines as the program wrote them: a line the terminal wrapped is one line here, longer than the width. */
  lines(): string[] {
    return execFileSync("tmux", ["capture-pane", "-p", "-J", "-t", this.session], { encoding: "utf8" }).split("\n");
  }

  /** The screen with its colours and attributes, as escape sequences. */
  styled(): string {
    return execFileSync("tmux", ["capture-pane", "-p", "-e", "-t", this.session], { encoding: "utf8" });
  }

  /** Whether the terminal shows its cursor (a program may hide it and must show it again). */
  cursorVisible(): boolean {
    return execFileSync("tmux", ["display-message", "-p", "-t", this.session, "#{cursor_flag}"], { encoding: "utf8" }).trim() === "1";
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
