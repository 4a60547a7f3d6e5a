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
    await t.waitFor(/Write the project\?/);
    t.keys("Enter");
    // building is offered (with opam when it is installed); this test writes only
    await t.waitFor(/Build and test now\?|Install the dependencies with opam/);
    t.keys("n", "Enter");
    const done = await t.waitFor(/\[exit \d+\]/);
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
    await t.waitFor(/Write the project\?/);
    t.keys("Enter");
    await t.waitFor(/Build and test now\?|Install the dependencies with opam/);
    t.keys("n", "Enter");
    expect(await t.waitFor(/\[exit \d+\]/)).toContain("[exit 0]");
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
});
