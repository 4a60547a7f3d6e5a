// node-plop imports inquirer at load time, which costs more than a whole
// non-interactive run. The build points node-plop's import here instead, so
// inquirer is loaded (as a separate chunk) only when there is a prompt to show.
// Its prompts are adapted here too: fitted to the terminal, and Esc cancels.
import { fitToWidth, forLocale } from "./terminal.js";

type Inquirer = typeof import("inquirer").default;
const load = async (): Promise<Inquirer> => (await import("inquirer")).default;

/** What this module touches of an inquirer 9 prompt: its screen manager (and, for a checkbox, its hint switch). */
interface Screen {
  render(content: string, bottom?: string, spinning?: boolean): void;
  breakLines(lines: string[], width?: number): string[][];
  normalizedCliWidth(): number;
}
type PromptClass = new (...args: never[]) => { screen: Screen; dontShowHints?: boolean };

/**
 * A prompt whose screens fit the terminal: its symbols are in ASCII under a
 * locale that is not UTF-8, and a list's lines are cut to the terminal's width
 * (inquirer would wrap them to column 0). Both are done where inquirer
 * measures what it shows (its screen's render and breakLines, which its
 * paginator uses too), so its redrawing stays right.
 */
function fitted(type: string, Prompt: PromptClass): PromptClass {
  // other prompts end with what the user types, which must wrap, not be cut
  const cut = type === "list" || type === "checkbox";
  return class extends Prompt {
    constructor(...args: never[]) {
      super(...args);
      // the question says how to use the checkbox; inquirer's own hint would say it again, too long to fit
      if (type === "checkbox") this.dontShowHints = true;
      const screen = this.screen;
      const render = screen.render.bind(screen);
      screen.render = (content, bottom, spinning) => render(forLocale(content), bottom && forLocale(bottom), spinning);
      if (cut)
        // off the last column, which terminals treat differently
        screen.breakLines = (lines, width = screen.normalizedCliWidth()) => lines.map((line) => [fitToWidth(forLocale(line), width - 1)]);
    }
  };
}

interface Asking<T> extends Promise<T> {
  ui: { close(): void; rl: { input: NodeJS.EventEmitter; output: { unmute(): void; write(s: string): void } } };
}

/** Esc cancels, as in create-vite and sv: the prompt closes and the promise rejects with a PromptCancelled error. */
function escCancels<T>(asking: Asking<T>): Promise<T> {
  const { ui } = asking;
  return new Promise((resolve, reject) => {
    const onKey = (_: unknown, key?: { name?: string }) => {
      if (key?.name !== "escape") return;
      ui.rl.output.unmute();
      ui.rl.output.write("\n");
      ui.close();
      reject(Object.assign(new Error("cancelled"), { name: "PromptCancelled" }));
    };
    ui.rl.input.on("keypress", onKey);
    asking.then(resolve, reject).finally(() => ui.rl.input.off("keypress", onKey));
  });
}

export default {
  registerPrompt() {},
  prompt: async (...args: Parameters<Inquirer["prompt"]>) => {
    const promptModule = (await load()).createPromptModule();
    for (const [type, Prompt] of Object.entries(promptModule.prompts))
      promptModule.registerPrompt(type, fitted(type, Prompt as unknown as PromptClass) as never);
    return escCancels(promptModule(...args) as unknown as Asking<unknown>);
  },
};
