// node-plop imports inquirer at load time, which costs more than a whole
// non-interactive run. The build points node-plop's import here instead, so
// inquirer is loaded (as a separate chunk) only when there is a prompt to show.
// Its prompts are adapted here, for every question of `create` and `add`:
// fitted to the terminal, redrawn after a resize or a suspension, strict
// confirmations, and one way out (Esc, Ctrl-D, Ctrl-C) that leaves the
// question and "cancelled" on the screen.
import { fitToWidth, forLocale, settleColour, wrap } from "./terminal.js";

type Inquirer = typeof import("inquirer").default;
const load = async (): Promise<Inquirer> => {
  settleColour(); // before inquirer's colours are chosen, as it loads
  return (await import("inquirer")).default;
};

const ERASE_DOWN = "\x1b[J";
const SHOW_CURSOR = "\x1b[?25h";
const HIDE_CURSOR = "\x1b[?25l";

interface Output {
  mute(): void;
  unmute(): void;
  write(s: string): void;
}
/** What this module touches of an inquirer 9 prompt's screen manager. */
interface Screen {
  render(content: string, bottom?: string, spinning?: boolean): void;
  breakLines(lines: string[], width?: number): string[][];
  normalizedCliWidth(): number;
  clean(extraLines: number): void;
  done(): void;
  releaseCursor(): void;
  /** rows drawn, and rows of them under the cursor: where inquirer's next drawing starts erasing */
  height: number;
  extraLinesUnderPrompt: number;
}
/** ... and of the prompt itself. */
interface Prompt {
  screen: Screen;
  status: string;
  opt: { type: string; choices?: { getChoice(index: number): { description?: string } | undefined } };
  /** a list's focused choice */
  selected?: number;
  rl: { output: Output; line: string; once(event: "line", f: (line: string) => void): void; input: NodeJS.EventEmitter };
  dontShowHints?: boolean;
  getQuestion(): string;
  render(): void;
  onEnd(input: string): void;
}
type PromptClass = new (...args: never[]) => Prompt;

/** The prompts that show a list (and hide the cursor while they do). */
const choosing = (type: string) => type === "list" || type === "checkbox";

/**
 * A prompt whose screens fit the terminal: its symbols are in ASCII under a
 * locale that is not UTF-8, and a list's lines are cut to the terminal's width
 * (inquirer would wrap them to column 0). Both are done where inquirer
 * measures what it shows (its screen's render and breakLines, which its
 * paginator uses too), so its redrawing stays right. Each drawing also erases
 * what is below it: after a resize, the terminal has re-wrapped the last
 * drawing into more rows than inquirer counted, and those would stay, mixed
 * into what is printed next.
 */
function fitted(type: string, Base: PromptClass): PromptClass {
  return class extends Base {
    focusedDescription(width: number) {
      return describe(this, width);
    }
    constructor(...args: never[]) {
      super(...args);
      // the question says how to use the checkbox; inquirer's own hint would say it again, too long to fit
      if (type === "checkbox") this.dontShowHints = true;
      const screen = this.screen;
      const render = screen.render.bind(screen);
      screen.render = (content, bottom, spinning) =>
        render(forLocale(content), forLocale(bottom ?? this.focusedDescription(screen.normalizedCliWidth() - 1)), spinning);
      // other prompts end with what the user types, which must wrap, not be cut
      if (choosing(type))
        // off the last column, which terminals treat differently
        screen.breakLines = (lines, width = screen.normalizedCliWidth()) => lines.map((line) => [fitToWidth(forLocale(line), width - 1)]);
      const clean = screen.clean.bind(screen);
      screen.clean = (extraLines) => {
        clean(extraLines); // leaves the cursor where the last drawing started
        this.rl.output.write(ERASE_DOWN);
      };
    }
  };
}

/** A list's focused choice's description (its whole summary, as sv shows a hint), wrapped to `width` under the list. */
function describe(prompt: Prompt, width: number): string {
  if (prompt.opt.type !== "list" || prompt.status === "answered" || prompt.selected === undefined) return "";
  const text = prompt.opt.choices?.getChoice(prompt.selected)?.description;
  return text
    ? text
        .split("\n")
        .flatMap((line) => wrap(line, width, "  "))
        .join("\n")
    : "";
}

const ANSWER = /^(y|yes|n|no)?$/i;

/**
 * inquirer's confirmation takes anything ("xyz" is its default, yes; "yellow"
 * is yes): this one takes y, yes, n, no (any case) or nothing for the default,
 * and asks again otherwise.
 */
function strict(Base: PromptClass): PromptClass {
  return class extends Base {
    onEnd(input: string) {
      if (ANSWER.test(input.trim())) return super.onEnd(input.trim());
      // inquirer's confirmation reads one line and redraws on each key until then: again
      // (the Enter that ends the line reaches this listener after the line is taken: not drawn again then)
      let taken = false;
      const redraw = () => taken || this.render();
      this.rl.input.on("keypress", redraw);
      this.rl.once("line", (line) => {
        taken = true;
        this.rl.input.off("keypress", redraw);
        this.onEnd(line);
      });
      this.screen.render(this.getQuestion(), `>> "${input.trim()}" is not an answer: type y or n, or Enter for the default`);
    }
  };
}

interface UI {
  close(): void;
  activePrompt?: Prompt;
  rl: NodeJS.EventEmitter & {
    input: NodeJS.EventEmitter & { setRawMode?(raw: boolean): void };
    output: Output;
    resume(): void;
    closed: boolean;
  };
}
interface Asking<T> extends Promise<T> {
  ui: UI;
}

const cancelled = () => Object.assign(new Error("cancelled"), { name: "PromptCancelled" });

/**
 * The keys and signals inquirer 9 leaves to us, the same at every prompt:
 * - Esc and Ctrl-D (EOF, on an empty line or at a list) cancel: the promise
 *   rejects with a PromptCancelled error, as create-vite and sv do on Esc
 *   (inquirer would hang at Ctrl-D, its terminal in line mode);
 * - Ctrl-C signals SIGINT to the process, as inquirer does (the handler in cli/main.ts exits 130);
 * - either way the question is left on the screen with "cancelled", not the whole list;
 * - Ctrl-Z suspends with the terminal as the shell wants it (line mode, the
 *   cursor shown, below the prompt), and `fg` draws the prompt again and reads
 *   keys again (Node's readline pauses its input on SIGCONT and leaves it paused);
 * - a resize redraws the prompt at the new width.
 */
function guarded<T>(asking: Asking<T>): Promise<T> {
  const { ui } = asking;
  const { rl } = ui;
  const active = () => (ui.activePrompt && ui.activePrompt.status !== "answered" ? ui.activePrompt : undefined);
  // inquirer closes the interface itself when done: any other close is the user's Ctrl-D
  let closing = false;
  const close = ui.close.bind(ui);
  ui.close = () => {
    closing = true;
    close();
  };
  /** Leaves the question and `cancelled` where the prompt was, and the cursor shown under it. */
  const collapse = () => {
    const prompt = active();
    if (!prompt) return;
    prompt.status = "answered"; // its default is not shown any more
    prompt.screen.render(`${prompt.getQuestion()}cancelled`);
    prompt.screen.done();
  };
  let suspended = false;
  /** Moves below the prompt's drawing; the next drawing starts there, anew. */
  const leaveDrawing = (prompt: Prompt) => {
    rl.output.unmute();
    prompt.screen.releaseCursor();
    rl.output.write(`\n${SHOW_CURSOR}`);
    prompt.screen.height = prompt.screen.extraLinesUnderPrompt = 0;
    rl.output.mute();
  };

  return new Promise((resolve, reject) => {
    const cancel = () => {
      collapse();
      ui.close();
      reject(cancelled());
    };
    const onKey = (_: unknown, key?: { name?: string; ctrl?: boolean }) => {
      if (key?.name === "escape") cancel();
      // at a text prompt readline closes on Ctrl-D when the line is empty; a list shows no line
      else if (key?.ctrl && key.name === "d" && choosing(active()?.opt.type ?? "")) cancel();
    };
    const onClose = () => {
      if (!closing) cancel();
    };
    const onInterrupt = () => {
      collapse();
      ui.close();
      process.kill(process.pid, "SIGINT");
    };
    // readline calls this on Ctrl-Z when it is listened to, instead of its own suspension
    const onSuspend = () => {
      const prompt = active();
      if (prompt) leaveDrawing(prompt);
      rl.input.setRawMode?.(false);
      suspended = true;
      process.kill(process.pid, "SIGTSTP");
    };
    const onContinue = () => {
      if (rl.closed) return;
      const prompt = active();
      // stopped from outside (kill -TSTP): the shell's lines may be over the drawing
      if (prompt && !suspended) leaveDrawing(prompt);
      suspended = false;
      rl.input.setRawMode?.(true);
      rl.resume();
      if (!prompt) return;
      rl.output.unmute(); // the drawing mutes it again
      if (choosing(prompt.opt.type)) rl.output.write(HIDE_CURSOR);
      prompt.render();
    };
    const onResize = () => active()?.render();

    rl.input.on("keypress", onKey);
    rl.on("close", onClose);
    rl.removeAllListeners("SIGINT"); // inquirer's: it closes and signals, after the drawing is collapsed here
    rl.on("SIGINT", onInterrupt);
    rl.on("SIGTSTP", onSuspend);
    process.on("SIGCONT", onContinue);
    process.stdout.on("resize", onResize);
    asking.then(resolve, reject).finally(() => {
      rl.input.off("keypress", onKey);
      rl.off("close", onClose);
      process.off("SIGCONT", onContinue);
      process.stdout.off("resize", onResize);
    });
  });
}

export default {
  registerPrompt() {},
  prompt: async (...args: Parameters<Inquirer["prompt"]>) => {
    const promptModule = (await load()).createPromptModule();
    for (const [type, Prompt] of Object.entries(promptModule.prompts)) {
      const adapted = fitted(type, Prompt as unknown as PromptClass);
      promptModule.registerPrompt(type, (type === "confirm" ? strict(adapted) : adapted) as never);
    }
    return guarded(promptModule(...args) as unknown as Asking<unknown>);
  },
};
