// node-plop imports inquirer at load time, which costs more than a whole
// non-interactive run. The build points node-plop's import here instead, so
// inquirer is loaded (as a separate chunk) only when there is a prompt to show.
type Inquirer = typeof import("inquirer").default;
const load = async (): Promise<Inquirer> => (await import("inquirer")).default;

export default {
  registerPrompt() {},
  prompt: async (...args: Parameters<Inquirer["prompt"]>) => (await load()).prompt(...args),
};
