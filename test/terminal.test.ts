/** The interactive flow in a real terminal: keys in, screen out. */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadCatalog } from "../src/catalog.js";
import { cliPath, exists, tempDir, tree } from "./helpers/cli.js";
import { Terminal } from "./helpers/terminal.js";

const catalog = loadCatalog();
let terminal: Terminal | undefined;
afterEach(() => terminal?.close());

const start = (cwd: string, ...args: string[]) => (terminal = new Terminal([process.execPath, cliPath, ...args], cwd));
/** Moves the list's cursor from the first template to `name`. */
const pick = (t: Terminal, name: string) => {
  const steps = catalog.findIndex((m) => m.name === name);
  for (let i = 0; i < steps; i++) t.keys("Down");
  t.keys("Enter");
};
/** Accepts writing, declines building (this file tests prompts, not builds); returns the final screen. */
const writeWithoutBuilding = async (t: Terminal) => {
  await t.waitFor(/Write the project\?/);
  t.keys("Enter");
  // building is offered (with opam when it is installed)
  await t.waitFor(/Build and test now\?|Install the dependencies with opam/);
  t.keys("n", "Enter");
  return t.waitFor(/\[exit \d+\]/);
};

describe("interactive", () => {
  it("asks the directory, shows the catalog, confirms, writes, and prints the one-shot command", async () => {
    const cwd = tempDir();
    const t = start(cwd);
    await t.waitFor(/Project directory/);
    t.keys("my-app", "Enter");
    const screen = await t.waitFor(/Which approach\?/);
    for (const m of catalog) expect(screen).toContain(m.summary.slice(0, 40));
    pick(t, "domains");
    // domains has variants: the list shows them, the second is domainslib
    await t.waitFor(/Which variant\?[\s\S]*domainslib/);
    t.keys("Down", "Enter");
    const done = await writeWithoutBuilding(t);
    expect(done).toContain("[exit 0]");
    expect(done).toContain("npm create ocaml-parallel@latest -- my-app --template domains --variant domainslib --yes");
    expect(readFileSync(join(cwd, "my-app/dune-project"), "utf8")).toContain("domainslib");
    expect(exists(join(cwd, "my-app/my-app.opam"))).toBe(true);
  });

  it("refuses a bad name at the prompt, with the reason, and asks again", async () => {
    const cwd = tempDir();
    const t = start(cwd, "--template", "domains", "--variant", "stdlib");
    await t.waitFor(/Project directory/);
    t.keys("C-u", "let", "Enter");
    await t.waitFor(/OCaml keyword/);
    t.keys("C-u", "good-name", "Enter");
    expect(await writeWithoutBuilding(t)).toContain("[exit 0]");
    expect(exists(join(cwd, "good-name/good-name.opam"))).toBe(true);
  });

  it("checks the directory given as an argument before asking anything", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "full"));
    writeFileSync(join(cwd, "full/x"), "");
    const t = start(cwd, "full");
    const screen = await t.waitFor(/\[exit \d+\]/);
    expect(screen).toContain("[exit 1]");
    expect(screen).toMatch(/full is not empty/);
    expect(screen).not.toContain("Which approach");
  });

  it("Ctrl-C at a prompt exits 130 and writes nothing", async () => {
    const cwd = tempDir();
    const t = start(cwd, "app");
    await t.waitFor(/Which approach\?/);
    t.keys("C-c");
    expect(await t.waitFor(/\[exit \d+\]/)).toContain("[exit 130]");
    expect(tree(cwd)).toEqual([]);
  });

  it("SIGTERM at a prompt exits 143 and writes nothing", async () => {
    const cwd = tempDir();
    const t = start(cwd, "app");
    await t.waitFor(/Which approach\?/);
    execFileSync("bash", ["-c", `kill -TERM $(tmux list-panes -t ${t.session} -F '#{pane_pid}' | xargs pgrep -P)`]);
    expect(await t.waitFor(/\[exit \d+\]/)).toContain("[exit 143]");
    expect(tree(cwd)).toEqual([]);
  });

  it("answering no to the confirmation writes nothing and exits 1", async () => {
    const cwd = tempDir();
    const t = start(cwd, "app", "domains", "--variant", "stdlib");
    await t.waitFor(/Write the project\?/);
    t.keys("n", "Enter");
    const screen = await t.waitFor(/\[exit \d+\]/);
    expect(screen).toContain("[exit 1]");
    expect(screen).toContain("cancelled: nothing was written");
    expect(tree(cwd)).toEqual([]);
  });

  it("compare: a checkbox of approaches, the defaults ticked, at least two, then the one-shot command", async () => {
    const cwd = tempDir();
    const approaches = catalog.find((m) => m.name === "compare")!.approaches!;
    const t = start(cwd, "cmp", "--template", "compare");
    const screen = await t.waitFor(/Which approaches to compare\?/);
    for (const a of approaches) expect(screen).toMatch(new RegExp(`${a.default ? "◉" : "◯"} ${a.name} `));
    // leave only the first ticked: refused
    for (const [i, a] of approaches.entries()) {
      if (i > 0 && a.default) t.keys("Space");
      t.keys("Down");
    }
    t.keys("Enter");
    await t.waitFor(/choose at least two approaches to compare/);
    // wrapped round to the first again: tick the last (threads) too
    t.keys("Up", "Space", "Enter");
    const done = await writeWithoutBuilding(t);
    expect(done).toContain("[exit 0]");
    const chosen = [approaches[0].name, approaches.at(-1)!.name];
    expect(done).toContain(`--template compare --approaches ${chosen.join(",")} --yes`);
    expect(readFileSync(join(cwd, "cmp/approaches/all_approaches.ml"), "utf8")).toContain(`("${chosen[1]}", (module`);
  });
});
