/** The interactive flow in a real terminal: keys in, screen out. */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findTemplate, KIND_TEXT, KINDS, librariesOf, loadCatalog } from "../src/catalog/catalog.js";
import { cliPath, exists, tempDir, tree } from "./helpers/cli.js";
import { Terminal, type TerminalOptions } from "./helpers/terminal.js";

const catalog = loadCatalog();
let terminal: Terminal | undefined;
afterEach(() => terminal?.close());

const start = (cwd: string, ...args: string[]) => (terminal = new Terminal([process.execPath, cliPath, ...args], cwd));
const startWith = (options: TerminalOptions, cwd: string, ...args: string[]) =>
  (terminal = new Terminal([process.execPath, cliPath, ...args], cwd, options));
const CONFIRM = /Write the \S+ (\(\S+\) )?project to .*\?/;
/** The templates as the list shows them: by kind, in the catalog's order within each. */
const listed = KINDS.flatMap((kind) => catalog.filter((m) => m.kind === kind));
/** Moves the list's cursor from the first template to `name` (the headings are skipped by the cursor). */
const pick = (t: Terminal, name: string) => {
  const steps = listed.findIndex((m) => m.name === name);
  for (let i = 0; i < steps; i++) t.keys("Down");
  t.keys("Enter");
};
/** Accepts writing, declines building (this file tests prompts, not builds); returns the final screen. */
const writeWithoutBuilding = async (t: Terminal) => {
  await t.waitFor(CONFIRM);
  t.keys("Enter");
  // building is offered when the tools here can build it (not on every machine that runs these tests)
  const offered = /Build and test now\?|Install the dependencies with opam/;
  if (offered.test(await t.waitFor(new RegExp(`${offered.source}|\\[exit \\d+\\]`)))) t.keys("n", "Enter");
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

  it("a directory given that is not empty: a choice, and writing beside the files is --force's", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "full"));
    writeFileSync(join(cwd, "full/x"), "mine");
    const t = start(cwd, "full", "domains", "--variant", "stdlib");
    await t.waitFor(/full is not empty\. What now\?[\s\S]*Write the project beside its files[\s\S]*Choose another directory[\s\S]*Cancel/);
    t.keys("Enter");
    const done = await writeWithoutBuilding(t);
    expect(done).toContain("[exit 0]");
    expect(readFileSync(join(cwd, "full/x"), "utf8")).toBe("mine");
    expect(exists(join(cwd, "full/full.opam"))).toBe(true);
    // the command that does it again says --force
    expect(t.lines().join("\n")).toMatch(/-- full --template domains --variant stdlib --force --yes/);
  });

  it("a directory that is not empty: another one can be typed instead, or the run cancelled", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "full"));
    writeFileSync(join(cwd, "full/x"), "");
    const t = start(cwd, "full", "domains", "--variant", "stdlib");
    await t.waitFor(/What now\?/);
    t.keys("Down", "Enter");
    await t.waitFor(/Project directory:/);
    // the same folder again is refused, with the reason
    t.keys("full", "Enter");
    await t.waitFor(/full is not empty/);
    t.keys("C-u", "other", "Enter");
    expect(await writeWithoutBuilding(t)).toContain("[exit 0]");
    expect(exists(join(cwd, "other/other.opam"))).toBe(true);
    expect(tree(join(cwd, "full"))).toEqual(["x"]);

    const cancel = start(cwd, "full", "domains", "--variant", "stdlib");
    await cancel.waitFor(/What now\?/);
    cancel.keys("Down", "Down", "Enter");
    const screen = await cancel.waitFor(/\[exit \d+\]/);
    expect(screen).toContain("[exit 1]");
    expect(screen).toContain("cancelled: nothing was written");
    expect(tree(join(cwd, "full"))).toEqual(["x"]);
  });

  it("a refused --name is asked again at the prompt, after its reason", async () => {
    const cwd = tempDir();
    const t = start(cwd, "app", "domains", "--variant", "stdlib", "--name", "let");
    expect((await t.waitFor(/opam package name:/)).replace(/\n +/g, " ")).toMatch(/OCaml keyword[\s\S]*choose again below/);
    t.keys("base", "Enter");
    await t.waitFor(/>> .*base/);
    t.keys("C-u", "my-pkg", "Enter");
    expect(await writeWithoutBuilding(t)).toContain("[exit 0]");
    expect(exists(join(cwd, "app/my-pkg.opam"))).toBe(true);
  });

  it("a mistyped template opens the list on the nearest one", async () => {
    const cwd = tempDir();
    const t = start(cwd, "app", "--template", "eoi");
    const screen = await t.waitFor(/Which approach\?/);
    expect(screen.replace(/\n +/g, " ")).toMatch(/unknown template "eoi"\. Did you mean "eio"\?[\s\S]*choose again below/);
    expect(screen).toMatch(/^❯ eio +OCaml/m);
    t.keys("Enter");
    await t.waitFor(CONFIRM);
    t.keys("n", "Enter");
    expect(await t.waitFor(/\[exit \d+\]/)).toContain("[exit 1]");
  });

  it("flags that answer every question: nothing is asked, in a terminal too", async () => {
    const cwd = tempDir();
    const t = start(cwd, "app", "domains", "--variant", "domainslib", "--no-build");
    const screen = await t.waitFor(/\[exit \d+\]/);
    expect(screen).toContain("[exit 0]");
    expect(screen).not.toMatch(/\?/);
    expect(exists(join(cwd, "app/app.opam"))).toBe(true);
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
    // the question says what and where
    await t.waitFor(new RegExp(`Write the domains \\(stdlib\\) project to ${realpathSync(cwd)}/app\\?`));
    t.keys("n", "Enter");
    const screen = await t.waitFor(/\[exit \d+\]/);
    expect(screen).toContain("[exit 1]");
    expect(screen).toContain("cancelled: nothing was written");
    expect(tree(cwd)).toEqual([]);
  });

  it("the confirmation takes y, n or Enter only: anything else is asked again", async () => {
    const cwd = tempDir();
    const t = start(cwd, "app", "domains", "--variant", "stdlib");
    await t.waitFor(CONFIRM);
    t.keys("xyz", "Enter");
    await t.waitFor(/"xyz" is not an answer: type y or n, or Enter for the default/);
    expect(tree(cwd)).toEqual([]);
    t.keys("C-u", "n", "Enter");
    const screen = await t.waitFor(/\[exit \d+\]/);
    expect(screen).toContain("[exit 1]");
    expect(tree(cwd)).toEqual([]);
  });

  it("--dry-run asks nothing about writing or building, writes nothing, and its one-shot command keeps --dry-run", async () => {
    const cwd = tempDir();
    const t = start(cwd, "app", "--dry-run");
    await t.waitFor(/Which approach\?/);
    pick(t, "eio");
    const screen = await t.waitFor(/\[exit \d+\]/);
    expect(screen).toContain("[exit 0]");
    expect(screen).not.toMatch(/Write the|Build and test now|Install the dependencies/);
    expect(t.lines().join("\n")).toMatch(/without questions:\n {2}npm create ocaml-parallel@latest -- app --template eio --dry-run --yes/);
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
    expect(readFileSync(join(cwd, "cmp/approaches/all_approaches.ml"), "utf8")).toContain(`("${chosen[1]}", `);
  });
});

/** The prompts where a list hides the cursor: the catalog, the variants, the compare checkbox. */
const lists = [
  { prompt: "approach", args: ["app"], shown: /Which approach\?/ },
  { prompt: "variant", args: ["app", "--template", "domains"], shown: /Which variant\?/ },
  { prompt: "checkbox", args: ["app", "--template", "compare"], shown: /Which approaches to compare\?/ },
];

describe("leaving a prompt", () => {
  it.each(lists)("Ctrl-C at the $prompt list exits 130, writes nothing, and the shell gets its cursor back", async ({ args, shown }) => {
    const cwd = tempDir();
    const t = start(cwd, ...args);
    await t.waitFor(shown);
    expect(t.cursorVisible()).toBe(false); // inquirer hides it while a list is shown
    t.keys("C-c");
    expect(await t.waitFor(/\[exit \d+\]/)).toContain("[exit 130]");
    expect(t.cursorVisible()).toBe(true);
    expect(tree(cwd)).toEqual([]);
  });

  it.each(
    [...lists, { prompt: "directory", args: ["--template", "eio"], shown: /Project directory/ }].flatMap((p) => [
      { ...p, key: "Escape" },
      { ...p, key: "C-d" },
    ]),
  )("$key at the $prompt prompt cancels: the message, exit 1, nothing written, the cursor shown", async ({ args, shown, key }) => {
    const cwd = tempDir();
    const t = start(cwd, ...args);
    await t.waitFor(shown);
    t.keys(key);
    const screen = await t.waitFor(/\[exit \d+\]/);
    expect(screen).toContain("create-ocaml-parallel: cancelled: nothing was written");
    expect(screen).toContain("[exit 1]");
    expect(t.cursorVisible()).toBe(true);
    expect(tree(cwd)).toEqual([]);
  });
});

describe("the screen fits the terminal", () => {
  /** No line longer than the terminal: one the terminal wrapped is joined back by capture-pane -J. */
  const fits = (t: Terminal, width: number) => {
    const lines = t.lines().map((l) => l.trimEnd());
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(width);
    return lines;
  };

  it.each([
    [80, 24],
    [120, 40],
  ])("at %ix%i: the catalog and the variants a line each, cut with …; the confirmation says what and where", async (width, height) => {
    const cwd = tempDir();
    const t = startWith({ width, height }, cwd);
    await t.waitFor(/Project directory/);
    t.keys("my-app", "Enter");
    await t.waitFor(/Which approach\?/);
    const lines = fits(t, width);
    // one line per template, under its kind's heading, right under the question; no "more choices" paging
    const at = lines.findIndex((l) => l.includes("Which approach?"));
    let row = at + 1;
    for (const kind of KINDS) {
      expect(lines[row++]).toBe(`  ${KIND_TEXT[kind].title}:`);
      for (const m of catalog.filter((c) => c.kind === kind)) {
        const line = lines[row++];
        expect(line).toMatch(new RegExp(`^(❯| ) ${m.name} +OCaml ≥ ${m.ocaml} +[ ✗] ${m.summary.slice(0, 10).replace(/[()]/g, "\\$&")}`));
        if (line.length < `    ${m.name} OCaml ≥ ${m.ocaml} ✗ ${m.summary}`.length) expect(line).toMatch(/…$/);
      }
    }
    // under the list, the focused one's whole summary, wrapped (never cut), and what its kind is for
    const first = listed[0];
    const hint = lines.slice(row).join(" ").replace(/\s+/g, " ");
    expect(hint).toContain(`${first.summary}.`);
    expect(hint).toContain(`${KIND_TEXT[first.kind].title}: ${KIND_TEXT[first.kind].for}.`);
    expect(lines.join("\n")).not.toContain("reveal more choices");
    pick(t, "domains");
    await t.waitFor(/Which variant\?/);
    const variants = fits(t, width);
    const domains = catalog.find((m) => m.name === "domains")!;
    for (const v of domains.variants!)
      expect(variants.some((l) => l.match(new RegExp(`^(❯| ) ${v.name} +${v.summary.slice(0, 10)}`)))).toBe(true);
    t.keys("Enter");
    await t.waitFor(CONFIRM);
    expect(fits(t, width).join("\n")).toContain(`? Write the domains (stdlib) project to ${realpathSync(cwd)}/my-app? (Y/n)`);
    t.keys("n", "Enter");
    expect(await t.waitFor(/\[exit \d+\]/)).toContain("cancelled: nothing was written");
  });

  it("at 80x24: the compare checkbox fits, and its hint is given once", async () => {
    const cwd = tempDir();
    const t = startWith({ width: 80, height: 24 }, cwd, "cmp", "--template", "compare");
    const screen = await t.waitFor(/Which approaches to compare\?/);
    fits(t, 80);
    expect(screen.match(/space/g)).toHaveLength(1);
    expect(screen).not.toContain("<enter>");
  });
});

it.each([50, 80])(
  "at %i columns, what is printed after the questions fits: prose wrapped at spaces, commands broken between words with \\",
  async (width) => {
    const cwd = tempDir();
    const t = startWith({ width, height: 60, env: { PATH: "/usr/bin:/bin" } }, cwd, "a-project-with-a-long-name", "compare");
    await t.waitFor(/Which approaches to compare\?/);
    t.keys("Enter");
    // the question is wrapped at its spaces (it is not a list: never cut)
    await t.waitFor(/Write the compare project to\s+\S+\?/);
    t.keys("Enter");
    expect(await t.waitFor(/\[exit \d+\]/)).toContain("[exit 0]");
    const lines = t.lines().map((l) => l.trimEnd());
    const after = lines.slice(lines.findIndex((l) => l.startsWith("Wrote the compare project")));
    expect(after.length).toBeGreaterThan(5);
    for (const line of after) expect([...line].length, line).toBeLessThanOrEqual(width);
    // the one-shot command, its lines joined as sh joins them, is the whole command
    const at = after.indexOf("To generate it again without questions:");
    const command = after
      .slice(at + 1, after.findIndex((l, i) => i > at && !l.endsWith("\\")) + 1)
      .map((l) => l.replace(/\\$/, "").trim())
      .join(" ");
    expect(command).toBe(
      `npm create ocaml-parallel@latest -- a-project-with-a-long-name --template compare --approaches ${catalog
        .find((m) => m.name === "compare")!
        .approaches!.filter((a) => a.default)
        .map((a) => a.name)
        .join(",")} --yes`,
    );
  },
);

describe("what can be built here", () => {
  /** A PATH whose first folder has an OCaml 5.1.0 and a dune 3.24.0 (and no opam): what the list and the offer judge by. */
  const tools = () => {
    const bin = tempDir("cop-tools-");
    for (const [tool, version] of [
      ["ocamlc", "5.1.0"],
      ["dune", "3.24.0"],
    ]) {
      // a version, and nothing else: any other command fails
      writeFileSync(join(bin, tool), `#!/bin/sh\ncase "$1" in --version|-vnum) echo ${version};; *) exit 1;; esac\n`);
      chmodSync(join(bin, tool), 0o755);
    }
    return `${bin}:/usr/bin:/bin`;
  };

  it.each([50, 80, 120])("at %i columns: ✗ marks what the OCaml here cannot build, and the focused one says why", async (width) => {
    const again = startWith({ width, height: 45, env: { PATH: tools() } }, tempDir(), "app");
    await again.waitFor(/Which approach\?/);
    for (let i = 0; i < listed.findIndex((m) => m.name === "eio"); i++) again.keys("Down");
    const screen = await again.waitFor(/older than 5\.2/);
    const lines = again.lines().map((l) => l.trimEnd());
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(width);
    // OCaml 5.1.0 here: eio's floor (5.2) is above it, domains' (5.0) is not, and it needs no system package
    const line = (name: string) => lines.find((l) => new RegExp(`^(❯| ) ${name} `).test(l))!;
    expect(line("eio")).toMatch(/OCaml ≥ 5\.2 +✗ /);
    expect(line("domains")).toMatch(/OCaml ≥ 5\.0 + {2}\S/);
    const joined = screen.replace(/\n +/g, " ");
    expect(joined).toContain("✗ Cannot be built here as it is: OCaml 5.1.0 is older than 5.2, which the eio template needs.");
    // the whole summary, never cut
    expect(joined).toContain(`${catalog.find((m) => m.name === "eio")!.summary}.`);
  });

  it("the build offer left out says why, after writing", async () => {
    const cwd = tempDir();
    const t = startWith({ env: { PATH: tools() } }, cwd, "app", "eio");
    await t.waitFor(CONFIRM);
    t.keys("Enter");
    const screen = await t.waitFor(/\[exit \d+\]/);
    expect(screen).toContain("[exit 0]");
    expect(screen).not.toMatch(/Build and test now\?|Install the dependencies/);
    expect(screen.replace(/\n +/g, " ")).toContain(
      "not built here: OCaml 5.1.0 is older than 5.2, which the eio template needs; the commands under Next: build it",
    );
  });

  it("a template it can build gets the offer, and then the offer to run it", async () => {
    const cwd = tempDir();
    const t = startWith({ env: { PATH: tools() } }, cwd, "app", "domains", "--variant", "stdlib");
    await t.waitFor(CONFIRM);
    t.keys("Enter");
    await t.waitFor(/Build and test now\? \(opam was not found: with dune 3\.24\.0 alone\)/);
    t.keys("y", "Enter");
    await t.waitFor(/Then run the starter\?/);
    // the fake dune builds nothing: the build stops, with Next: before the reason
    t.keys("n", "Enter");
    const screen = (await t.waitFor(/\[exit \d+\]/)).replace(/\n +/g, " ");
    expect(screen).toMatch(/dune alone cannot build the project|✗ dune build/);
    expect(screen).toContain("Next:");
  });
});

describe("--build's progress", () => {
  /**
   * A PATH with an OCaml 5.1.0 and a dune 3.24.0 that has the domains template's libraries
   * and takes a few seconds over each step, printing two lines: what a build's progress shows.
   */
  const slowTools = () => {
    const bin = tempDir("cop-tools-");
    const libraries = librariesOf(findTemplate(catalog, "domains")).join(" ");
    const scripts = {
      ocamlc: "echo 5.1.0",
      dune: `case "$1" in --version) echo 3.24.0;; installed-libraries) printf '%s\\n' ${libraries};; *) echo "compiling part one of $1"; sleep 1.5; echo "linking part two of $1"; sleep 1.5;; esac`,
    };
    for (const [tool, script] of Object.entries(scripts)) {
      writeFileSync(join(bin, tool), `#!/bin/sh\n${script}\n`);
      chmodSync(join(bin, tool), 0o755);
    }
    return `${bin}:/usr/bin:/bin`;
  };
  const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] dune build \d+ s: (compiling|linking) part (one|two) of build/;

  it("in a terminal: a spinner with the step and its output's last line, then a green ✓ per step", async () => {
    const t = startWith({ env: { PATH: slowTools(), NO_COLOR: undefined } }, tempDir(), "app", "domains", "--variant", "stdlib", "--build");
    await t.waitFor(SPINNER);
    await t.waitFor(/\[exit \d+\]/, 60_000);
    const styled = t.styled();
    for (const step of ["dune build", "dune test"]) expect(styled).toMatch(new RegExp(`\x1b\\[32m✓\x1b\\[39m ${step} \\(\\d+\\.\\d s\\)`));
    // Next: comes after the build's output
    const screen = t.screen();
    expect(screen.indexOf("Next:")).toBeGreaterThan(screen.indexOf("Built and tested"));
    expect(screen).toContain("[exit 0]");
  });

  it("under NO_COLOR: the spinner, and no colour", async () => {
    const t = startWith({ env: { PATH: slowTools(), NO_COLOR: "1" } }, tempDir(), "app", "domains", "--variant", "stdlib", "--build");
    await t.waitFor(SPINNER);
    await t.waitFor(/\[exit \d+\]/, 60_000);
    expect(t.styled()).not.toMatch(/\x1b\[[0-9;]*m/);
    expect(t.screen()).toMatch(/^✓ dune test \(\d+\.\d s\)$/m);
  });

  it("under TERM=dumb: plain lines, no spinner, no colour", async () => {
    const t = startWith(
      { env: { PATH: slowTools(), NO_COLOR: undefined, TERM: "dumb" } },
      tempDir(),
      "app",
      "domains",
      "--variant",
      "stdlib",
      "--build",
      "--yes",
    );
    const screen = await t.waitFor(/\[exit \d+\]/, 60_000);
    expect(screen).toMatch(/^… dune build\n✓ dune build \(\d+\.\d s\)$/m);
    expect(screen).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(t.styled()).not.toMatch(/\x1b\[[0-9;]*m/);
  });

  it("after an interactive build, the starter is run when the offer to run it was taken", async () => {
    const t = startWith({ env: { PATH: slowTools() } }, tempDir(), "app", "domains", "--variant", "stdlib");
    await t.waitFor(CONFIRM);
    t.keys("Enter");
    await t.waitFor(/Build and test now\?/);
    t.keys("y", "Enter");
    await t.waitFor(/Then run the starter\?/);
    t.keys("Enter");
    const screen = await t.waitFor(/\[exit \d+\]/, 60_000);
    expect(screen).toMatch(/✓ run the starter \(\d+\.\d s\)/);
    // what the (fake) starter printed, then the command that does it all again
    expect(screen).toContain("linking part two of exec");
    expect(screen).toMatch(/without questions:\n.*--variant stdlib --run --yes/);
  });
});

describe("job control", () => {
  it("Ctrl-Z at a prompt gives the shell back; fg draws the prompt again and it reads keys", async () => {
    const cwd = tempDir();
    // an interactive shell, for job control: the CLI is typed into it
    const t = new Terminal(["bash", "--norc", "--noprofile", "-i"], cwd, { env: { PS1: "$ " } });
    terminal = t;
    await t.waitFor(/^\$/m);
    t.keys(`${process.execPath} ${cliPath} app --template domains`, "Enter");
    await t.waitFor(/Which variant\?/);
    t.keys("C-z");
    await t.waitFor(/Stopped/);
    expect(t.cursorVisible()).toBe(true);
    t.keys("fg", "Enter");
    await t.waitFor(/Which variant\?[\s\S]*Which variant\?|fg\n[\s\S]*Which variant\?/);
    t.keys("Down", "Enter");
    await t.waitFor(CONFIRM);
    t.keys("Enter");
    const offered = /Build and test now\?|Install the dependencies with opam/;
    if (offered.test(await t.waitFor(new RegExp(`${offered.source}|without questions`)))) t.keys("n", "Enter");
    await t.waitFor(/without questions:\n.*--variant domainslib/);
    expect(readFileSync(join(cwd, "app/dune-project"), "utf8")).toContain("domainslib");
  });
});

describe("what the terminal can show", () => {
  it("NO_COLOR wins over FORCE_COLOR, without Node's warning about the two", async () => {
    const t = startWith({ env: { NO_COLOR: "1", FORCE_COLOR: "3" } }, tempDir(), "app");
    await t.waitFor(/Which approach\?/);
    expect(t.styled()).not.toMatch(/\x1b\[[0-9;]*m/);
    expect(t.screen()).not.toMatch(/Warning|FORCE_COLOR/);
  });

  it("TERM=dumb: nothing is asked, the message says why and what to pass", async () => {
    const cwd = tempDir();
    const t = startWith({ env: { TERM: "dumb" } }, cwd, "app");
    const screen = await t.waitFor(/\[exit \d+\]/);
    expect(screen).toContain("[exit 1]");
    expect(screen.replace(/\n/g, "")).toContain("no template given (TERM=dumb, so nothing is asked): pass --template NAME");
    expect(screen).not.toContain("Which approach");
    expect(tree(cwd)).toEqual([]);
  });

  it("a resize redraws the list at the new width, with nothing stale left", async () => {
    const t = startWith({ width: 140, height: 40 }, tempDir(), "app");
    await t.waitFor(/Which approach\?/);
    execFileSync("tmux", ["resize-window", "-t", t.session, "-x", "70", "-y", "40"]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const screen = t.screen();
    expect(screen.match(/Which approach\?/g)).toHaveLength(1);
    for (const line of t.lines()) expect(line.length).toBeLessThanOrEqual(70);
    t.keys("Enter");
    await t.waitFor(/Write the async project/);
  });

  it("colour: the prompts are coloured, unless NO_COLOR is set", async () => {
    const colour = /\x1b\[[0-9;]*m/;
    const coloured = startWith({ env: { NO_COLOR: undefined } }, tempDir(), "app");
    await coloured.waitFor(/Which approach\?/);
    expect(coloured.styled()).toMatch(colour);
    coloured.close();
    const plain = startWith({ env: { NO_COLOR: "1" } }, tempDir(), "app");
    await plain.waitFor(/Which approach\?/);
    expect(plain.styled()).not.toMatch(colour);
  });

  it.each([
    ["LANG=C", { LANG: "C" }],
    ["LC_ALL=C over a UTF-8 LANG", { LANG: "C.UTF-8", LC_ALL: "C" }],
    ["LC_CTYPE=POSIX over a UTF-8 LANG", { LANG: "en_US.UTF-8", LC_CTYPE: "POSIX" }],
  ])("under %s the prompts are ASCII: > for the pointer, >= and (*)", async (_, env) => {
    const t = startWith({ env }, tempDir(), "cmp");
    let screen = await t.waitFor(/Which approach\?/);
    expect(screen).toMatch(/^> async +OCaml >= 5\.1 /m);
    expect(screen).toMatch(/^[\x00-\x7f]*$/);
    pick(t, "compare");
    screen = await t.waitFor(/Which approaches to compare\?/);
    expect(screen).toMatch(/^>\(\*\) parmap /m);
    expect(screen).toMatch(/^ \( \) threads /m);
    expect(screen).toMatch(/^[\x00-\x7f]*$/);
  });

  it("under a UTF-8 locale they are Unicode", async () => {
    const t = startWith({ env: { LANG: "C", LC_ALL: "en_US.UTF-8" } }, tempDir(), "app");
    expect(await t.waitFor(/Which approach\?/)).toMatch(/^❯ async +OCaml ≥ 5\.1 /m);
  });
});

it("the one-shot command after the prompts is quoted for the shell: sh reads back the same words and runs nothing", async () => {
  const cwd = tempDir();
  const directory = "a b$(touch pwned)'q`touch pwned2`";
  const t = start(cwd, "--template", "domains", "--variant", "stdlib", "--name", "safe");
  await t.waitFor(/Project directory/);
  t.keys("C-u", directory, "Enter");
  await writeWithoutBuilding(t);
  const line = t.lines().find((l) => l.startsWith("  npm create ocaml-parallel@latest -- "))!;
  const words = line.trimEnd().split("npm create ocaml-parallel@latest -- ")[1];
  expect(words).toBeDefined();
  const parsed = execFileSync("sh", ["-c", `printf '%s\\n' ${words}`], { cwd, encoding: "utf8" });
  expect(parsed.trimEnd().split("\n")).toEqual([directory, "--template", "domains", "--variant", "stdlib", "--name", "safe", "--yes"]);
  expect(exists(join(cwd, "pwned")) || exists(join(cwd, "pwned2"))).toBe(false);
  expect(exists(join(cwd, directory, "safe.opam"))).toBe(true);
});
