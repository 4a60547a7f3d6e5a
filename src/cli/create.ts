/**
 * `create`'s command line: its flags and help, the questions a terminal gets,
 * the listing, and what is printed after writing (and building) the project.
 */

import type { GeneratorContext } from "../../generators/ocaml-project.js";
import {
  closestTemplate,
  findTemplate,
  KIND_TEXT,
  KINDS,
  loadCatalog,
  runCommand,
  type Template,
  templateNames,
} from "../catalog/catalog.js";
import { loadSystems, systemsListing } from "../catalog/systems.js";
import {
  type CreateRequest,
  type CreateResult,
  create,
  occupied,
  type Plan,
  packageNameProblem,
  plan,
  problemWith,
} from "../create/create.js";
import { CreateError } from "../errors.js";
import { packageVersion } from "../package-files.js";
import {
  type BuildReport,
  buildOffer,
  buildProject,
  checkSwitchCompiler,
  type StepResult,
  type SwitchMode,
  toolsHere,
  whyNotHere,
} from "../toolchain/build.js";
import { DUNE_LANG } from "../versions.js";
import { type FlagSpec, parseFlags, spelling } from "./flags.js";
import type { Progress } from "./main.js";
import { again, cdFrom, commandLines, type Out, pathArgument } from "./output.js";
import { ask, loadPlop, renderThrough } from "./prompt.js";
import { canPrompt, fitToWidth, forLocale, movesCursor, noPrompt, settleColour, utf8Locale, wrap } from "./terminal.js";

const FLAGS: FlagSpec = {
  string: ["template", "variant", "approaches", "name", "author", "switch", "ocaml"],
  boolean: ["list", "all", "yes", "force", "git", "build", "run", "dry-run", "json", "help", "version"],
  alias: { t: "template", y: "yes", h: "help", v: "version" },
  negated: ["git", "build"],
};

/** The help; `templates` names them (as create-vite's help does). */
const help = (templates: string[]) => `Usage: create-ocaml-parallel [DIRECTORY] [TEMPLATE] [options]
       create-ocaml-parallel add [TEMPLATE] [options]   (see add --help)

Writes a runnable dune project for one OCaml concurrency, parallelism or
distribution approach. Asks for what is missing when run in a terminal.

Templates: ${wrap(templates.join(", "), 80 - "Templates: ".length, "           ").join("\n")}

Options:
  -t, --template NAME  the approach (see --list); or the 2nd argument
      --variant NAME   a flavour of the approach, for templates that have
                       them (domains: stdlib or domainslib; default: the first)
      --approaches A,B for the compare template: the approaches it compares
                       (see --list for them and the default ones)
      --list           the catalog: name, OCaml floor, summary, system needs
      --list --all     every OCaml concurrency/parallelism/distribution
                       system we know: status, latest version, OCaml bounds,
                       platforms, and the template to use for it
      --name NAME      opam package name (default: the directory's name)
      --author TEXT    authors and maintainers in dune-project
                       (default: "Author Name <author@example.com>")
  -y, --yes            take the defaults, never prompt (also without a
                       terminal or with CI set)
      --force          write into a non-empty directory; never overwrites
                       or deletes a file
      --no-git         do not run git init
      --build          then install the dependencies with opam, dune build
                       and dune test (with dune alone when opam is missing);
                       the log is in _build/
      --no-build       do not build (and do not ask)
      --switch MODE    with --build: local (an _opam switch in the project)
                       or current (the active switch; the default if any)
      --ocaml VERSION  the compiler of a new local switch (default: the
                       newest tested)
      --run            --build, then run the starter
      --dry-run        print what would be written, write nothing
      --json           machine-readable result on stdout (never prompts)
  -h, --help           this help
  -v, --version        the version

When the flags answer every question (directory, template, its variant or
approaches, --build or --no-build), nothing is asked.

Exit codes: 0 done; 1 wrong input or environment, or cancelled at a prompt
(Esc); 2 a tool step failed; 130 interrupted (Ctrl-C); 143 terminated
(SIGTERM); 129 hung up (SIGHUP).

\`add\` brings an approach into the dune project you are in: its library,
starter and test in parallel/TEMPLATE/, its dependencies in your package's
depends; nothing else of your files changes (add --help).

Examples:
  npm create ocaml-parallel@latest
  npm create ocaml-parallel@latest my-app domains
  npx create-ocaml-parallel my-app --template domains --yes --json
  npx create-ocaml-parallel add eio --dry-run`;

function parseArgs(argv: string[]) {
  const { flags: args, positionals } = parseFlags(argv, FLAGS, { command: "", usage: "DIRECTORY [TEMPLATE]", most: 2 });
  if (args.list) {
    // --list prints and exits: anything else given with it would be silently ignored
    const options = Object.keys(args).filter((k) => k.length > 1 && !["_", "list", "all", "json", "help", "version"].includes(k));
    const extra = [...positionals, ...options.map((f) => spelling(FLAGS, f))];
    if (extra.length) throw new CreateError(`--list takes only --all and --json, not: ${extra.join(" ")}`);
  }
  if (args.template && positionals[1] && args.template !== positionals[1])
    throw new CreateError(`two templates given: "${positionals[1]}" and --template "${args.template}"`);
  return {
    ...args,
    directory: positionals[0] as string | undefined,
    template: (args.template as string | undefined) ?? positionals[1],
  } as Record<string, unknown> & { directory?: string; template?: string };
}

/** The catalog by kind, each template's lines wrapped at 80 columns under its summary's column. */
function listing(catalog: Template[]): string {
  const width = Math.max(...catalog.map((m) => m.name.length));
  const floor = Math.max(...catalog.map((m) => m.ocaml.length)) + "OCaml ≥ ".length;
  const column = " ".repeat(2 + width + 2 + floor + 2);
  const under = (line: string) => wrap(`${column}${line}`, 80, `${column}  `);
  const entry = (m: Template) => [
    ...wrap(
      `  ${m.name.padEnd(width)}  ${`OCaml ≥ ${m.ocaml}`.padEnd(floor)}  ${m.summary}; ${
        m.system.length ? m.system.map((s) => s.what).join(", ") : "no system packages"
      }`,
      80,
      column,
    ),
    ...(m.variants ?? []).flatMap((v, i) =>
      under(`--variant ${v.name}${i === 0 ? " (default)" : ""}: ${v.summary}; OCaml ≥ ${v.ocaml ?? m.ocaml}`),
    ),
    ...(m.approaches ?? []).flatMap((a) =>
      under(`--approaches ${a.name}${a.default ? " (default)" : ""}: ${a.summary}${a.ocaml ? `; OCaml ≥ ${a.ocaml}` : ""}`),
    ),
  ];
  return [
    ...KINDS.flatMap((kind) => [
      ...wrap(`${KIND_TEXT[kind].title} (${kind}): ${KIND_TEXT[kind].for}.`, 80),
      ...catalog.filter((m) => m.kind === kind).flatMap(entry),
      "",
    ]),
    ...wrap(
      `Every project is (lang dune ${DUNE_LANG}), so it needs dune ≥ ${DUNE_LANG}. How each OCaml floor is known: the README, or --list --json ("floor").`,
      80,
    ),
  ].join("\n");
}

/** What was written and done, before any build: the package, the files, git. */
function summary(result: CreateResult): string {
  if (result.dryRun)
    return [
      `Would write ${result.files.length} files to ${result.directory} (dry run, nothing written):`,
      ...result.files.map((f) => `  ${f}`),
      ...result.notes,
    ].join("\n");
  const git = {
    initialised: "git init: a new repository, nothing committed yet",
    "inside-repository": "git: no new repository, the folder is inside one already",
    failed: "git init failed; the project is written, run git init yourself",
    "no-git": "git was not found, so no repository was made (git init makes one; --no-git says you want none)",
    skipped: undefined,
  }[result.git];
  return [
    `Wrote the ${result.template} project ${result.package} (${result.files.length} files) to ${result.directory}`,
    ...["README.md: what the starter does; how to build, test, run and scale it", "AGENTS.md: the same commands, for coding agents"]
      .filter((line) => result.files.includes(line.split(":")[0]))
      .map((line) => `  ${line}`),
    ...(git ? [`  ${git}`] : []),
    ...result.notes,
  ].join("\n");
}

/** "Next:", after the build's output if there was a build: what remains to do, from `cwd`. */
function nextSteps(result: CreateResult, cwd: string, built?: BuildReport, width?: number): string {
  // once built, the dependencies are there: build, test and run again, as the build did
  const next = built
    ? result.next.filter((c) => /^(opam exec -- )?dune /.test(c)).map((c) => (built.with === "dune" ? c.replace(/^opam exec -- /, "") : c))
    : result.next;
  return ["", "Next:", ...[...cdFrom(cwd, result.directory), ...next].flatMap((c) => commandLines(c, width))].join("\n");
}

/** The command that makes the same project without questions (sv prints one too). */
function oneShot(full: CreateRequest & { build?: boolean; run?: boolean }, result: CreateResult): string {
  const words = [pathArgument(full.directory), "--template", full.template];
  if (result.variant) words.push("--variant", result.variant);
  if (result.approaches) words.push("--approaches", result.approaches.join(","));
  if (full.name) words.push("--name", full.name);
  if (full.force) words.push("--force");
  if (full.run) words.push("--run");
  else if (full.build) words.push("--build");
  if (full.dryRun) words.push("--dry-run");
  return again(words);
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const ASCII_SPINNER = ["|", "/", "-", "\\"];

/**
 * The build's progress on stderr. In a terminal that moves its cursor: a spinner, the step,
 * its seconds and the last line of its output (opam's current package), cut to the width;
 * then a ✓ or ✗ line, coloured unless colour is off (NO_COLOR, TERM=dumb: Node's hasColors).
 * Elsewhere, plain lines: the step, then its result.
 */
function progressPrinter(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env) {
  const live = movesCursor(stream, env);
  settleColour(env);
  const colour = live && env.NO_COLOR === undefined && stream.hasColors?.();
  const frames = utf8Locale(env) ? SPINNER : ASCII_SPINNER;
  let ticker: NodeJS.Timeout | undefined;
  let last = "";
  return {
    step(step: string, result?: StepResult) {
      if (!result) {
        const started = Date.now();
        last = "";
        if (!live) return void stream.write(forLocale(`… ${step}\n`));
        let frame = 0;
        const draw = () => {
          const seconds = Math.round((Date.now() - started) / 1000);
          const line = `${frames[frame++ % frames.length]} ${step} ${seconds} s${last ? `: ${last}` : ""}`;
          stream.write(`\r\x1b[K${fitToWidth(forLocale(line), (stream.columns || 80) - 1)}`);
        };
        draw();
        ticker = setInterval(draw, 100);
        return;
      }
      clearInterval(ticker);
      const ok = result.status === "ok";
      const mark = forLocale(ok ? "✓" : "✗");
      const shown = colour ? `\x1b[${ok ? 32 : 31}m${mark}\x1b[39m` : mark;
      stream.write(`${live ? "\r\x1b[K" : ""}${shown} ${forLocale(`${step} (${result.seconds.toFixed(1)} s)`)}\n`);
    },
    /** A step's output as it comes: its last line is shown beside the spinner. */
    output(chunk: string) {
      const line = chunk
        .split(/[\r\n]/)
        .map((l) => l.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").trim())
        .filter(Boolean)
        .at(-1);
      if (line) last = line;
    },
  };
}

function builtSummary(report: BuildReport, ran: boolean): string {
  const how = {
    "opam-local": "opam (a local switch, _opam/)",
    "opam-current": `opam (the current switch, ${report.tools.opamSwitch})`,
    dune: "dune alone (no opam)",
  }[report.with];
  const seconds = report.steps.reduce((t, s) => t + s.seconds, 0).toFixed(1);
  return [
    `Built and tested with ${how} in ${seconds} s; the log is ${report.log}`,
    ...(ran && report.output ? ["", report.output.trimEnd()] : []),
  ].join("\n");
}

type Answers = Partial<CreateRequest> & {
  confirm?: boolean;
  build?: boolean;
  run?: boolean;
  occupied?: "beside" | "another" | "cancel";
  otherDirectory?: string;
};

/** The request the answers make: another directory replaces the first, "beside its files" is --force. */
const merged = (known: Answers, answers: Answers): Answers => ({
  ...known,
  ...answers,
  directory: answers.otherDirectory ?? answers.directory ?? known.directory,
  force: known.force || answers.occupied === "beside",
});

/** The confirmation question, saying what will be written where. */
function confirmation(answers: Answers): string {
  try {
    const { manifest, target } = plan(answers as CreateRequest);
    return `Write the ${manifest.name}${manifest.variant ? ` (${manifest.variant.name})` : ""} project to ${target.path}?`;
  } catch {
    return "Write the project?"; // the answers were validated: not expected
  }
}

/** Why a template cannot be built here, for the list's marks: the tools are waited for briefly, never long. */
async function notBuildableHere(cwd: string) {
  let timer: Parameters<typeof clearTimeout>[0];
  const tools = await Promise.race([toolsHere(cwd), new Promise<undefined>((done) => (timer = setTimeout(done, 3000)))]);
  clearTimeout(timer);
  const catalog = loadCatalog();
  return (name: string) => (tools ? whyNotHere(tools, findTemplate(catalog, name), cwd) : undefined);
}

/**
 * Asks, through the node-plop generator, what the flags left open; the
 * generator's action then renders the project. Loaded only when there is a
 * terminal to ask in: without questions, `create` renders directly (the same
 * renderProject the action calls), and a run never loads node-plop.
 */
async function askWithGenerator(known: Answers, asked: Pick<GeneratorContext, "reopened" | "suggested">, cwd: string) {
  const [plop, { registerGenerator }, { renderProject }] = await Promise.all([
    loadPlop(cwd),
    import("../../generators/ocaml-project.js"),
    import("../create/render.js"), // already loaded: index.ts imports it
  ]);
  const write = renderThrough((data: Record<string, unknown>, staging: string) => renderProject(data.plan as Plan, staging));
  const generator = registerGenerator(plop, {
    catalog: loadCatalog(),
    known,
    ...asked,
    buildOffer: (answers) => {
      const all = merged(known, answers);
      return buildOffer(findTemplate(loadCatalog(), all.template ?? "", all.variant, all.approaches), cwd);
    },
    notBuildable: () => notBuildableHere(cwd),
    problem: (answers) => problemWith(answers),
    occupied: (answers) => occupied(merged(known, answers)),
    confirmation: (answers) => confirmation(merged(known, answers)),
    renderProject: write.render,
  });
  const answers: Answers = merged(known, await ask(() => generator.runPrompts()));
  const render = async (plan: Plan, staging: string) => {
    await write.run(() => generator.runActions({ plan, staging }), "writing the project");
  };
  return { answers, render };
}

/** `--list` (and `--all`): the catalog, or every system we know, as text or JSON. */
function list(args: ReturnType<typeof parseArgs>, io: Out): number {
  const catalog = loadCatalog();
  if (args.all) {
    const systems = loadSystems(catalog);
    if (args.json) io.data(JSON.stringify(systems, null, 2));
    else {
      // in 80 columns: a long line goes on under its facts' column (after the name and the status)
      const column = " ".repeat(2 + Math.max(...systems.systems.map((s) => s.name.length)) + 2 + 12 + 2);
      io.out(
        systemsListing(systems)
          .split("\n")
          .flatMap((line) => wrap(line, 80, column))
          .join("\n"),
      );
    }
  } else if (args.json)
    io.data(
      JSON.stringify(
        catalog.map((m) => ({ ...m, runCommand: runCommand(m) })),
        null,
        2,
      ),
    );
  else io.out(listing(catalog));
  return 0;
}

/** What the flags ask for, checked before anything is asked (spin#80: errors only after all prompts). */
function requested(args: ReturnType<typeof parseArgs>, cwd: string) {
  const request: Partial<CreateRequest> = {
    directory: args.directory,
    template: args.template,
    variant: args.variant as string | undefined,
    approaches: typeof args.approaches === "string" ? args.approaches.split(",") : undefined,
    name: args.name as string | undefined,
    author: args.author as string | undefined,
    force: Boolean(args.force),
    git: args.git !== false,
    dryRun: Boolean(args["dry-run"]),
    cwd,
  };
  const switchMode = args.switch as SwitchMode | undefined;
  if (switchMode !== undefined && switchMode !== "local" && switchMode !== "current")
    throw new CreateError(`--switch takes local or current, not "${switchMode}"`);
  if (args.build === false && args.run) throw new CreateError("--run builds first: it does not go with --no-build");
  // --run builds first; --switch only means something with them; --no-build answers the question too
  const build = args.build || args.run ? true : args.build === false ? false : undefined;
  if (switchMode && !build) throw new CreateError("--switch goes with --build or --run");
  if (build && request.dryRun) throw new CreateError("--dry-run writes nothing, so there is nothing to --build");
  const ocaml = args.ocaml as string | undefined;
  if (ocaml !== undefined && (!build || switchMode === "current"))
    throw new CreateError("--ocaml names the compiler of a new local switch: it goes with --build --switch local");
  if (request.template !== undefined) {
    if (ocaml !== undefined) checkSwitchCompiler(ocaml, findTemplate(loadCatalog(), request.template, request.variant, request.approaches));
  } else if (request.variant !== undefined) throw new CreateError("--variant needs --template");
  else if (request.approaches !== undefined) throw new CreateError("--approaches needs --template compare");
  return { request, build, switchMode, ocaml, run: Boolean(args.run) };
}

/**
 * In a terminal, a refused answer from the flags is asked again instead of ending the run:
 * a mistyped template opens the list on the nearest one, a refused package name or directory
 * its question; each problem is said first. A directory that is not empty is asked about
 * (generators/ocaml-project.ts). Any other problem ends the run, as without a terminal.
 */
function reopen(request: Partial<CreateRequest>, err: (text: string) => void) {
  const known: Answers = { ...request };
  const asked: Pick<GeneratorContext, "reopened" | "suggested"> = { reopened: {} };
  const catalog = loadCatalog();
  const say = (problem: string) => err(`${problem.replace(/\.$/, "")}: choose again below.`);
  if (known.template !== undefined && !catalog.some((m) => m.name === known.template?.trim().toLowerCase())) {
    say(problemWith({ template: known.template }) ?? `unknown template "${known.template}"`);
    asked.suggested = closestTemplate(catalog, known.template);
    known.template = known.variant = known.approaches = undefined;
  }
  const template = problemWith({ template: known.template, variant: known.variant, approaches: known.approaches });
  if (template) throw new CreateError(template);
  if (known.name !== undefined) {
    const name = packageNameProblem(known.name);
    if (name) {
      say(name);
      asked.reopened.name = true;
      known.name = undefined;
    }
  }
  const place = known.directory === undefined ? undefined : problemWith({ ...known, template: undefined, force: true });
  if (place) {
    say(place);
    known.directory = undefined;
  }
  return { known, asked };
}

/** Whether the flags answer every question there is for this request: then nothing is asked. */
function allAnswered(known: Answers, asked: ReturnType<typeof reopen>["asked"]): boolean {
  if (known.directory === undefined || known.template === undefined || known.build === undefined) return false;
  if (asked.reopened.name || occupied(known)) return false;
  const base = loadCatalog().find((m) => m.name === known.template?.trim().toLowerCase());
  return (!base?.variants || known.variant !== undefined) && (!base?.approaches || known.approaches !== undefined);
}

export async function createCommand(argv: string[], io: Out, env: NodeJS.ProcessEnv, cwd: string, progress: Progress): Promise<number> {
  const args = parseArgs(argv);
  const json = Boolean(args.json);
  if (args.help || args.version) {
    io.out(args.help ? help(templateNames()) : packageVersion());
    return 0;
  }
  if (args.all && !args.list) throw new CreateError("--all goes with --list");
  if (args.list) return list(args, io);
  const { request, build, switchMode, ocaml, run } = requested(args, cwd);

  /** In a terminal where questions were asked: its width, to lay out what is printed (commands never wrapped inside a word). */
  let width: number | undefined;
  const prose = (text: string) =>
    width === undefined
      ? text
      : text
          .split("\n")
          .flatMap((line) => wrap(line, width! - 1, `${/^ */.exec(line)![0]}  `))
          .join("\n");
  const terminal = !args.yes && !json && !env.CI && (await canPrompt(env));
  let interactive = false;
  let answers: Answers = { ...request, build: build ?? false, run };
  let render: ((plan: Plan, staging: string) => Promise<void>) | undefined;
  if (terminal) {
    // a dry run writes nothing: there is nothing to confirm or build
    width = process.stdout.columns || 80;
    const { known, asked } = reopen({ ...request, ...(request.dryRun ? { build: false } : { build }) }, (problem) =>
      io.err(prose(problem)),
    );
    if (!allAnswered(known, asked)) {
      interactive = true;
      io.out(
        prose(
          `create-ocaml-parallel ${packageVersion()}: a dune project for one OCaml concurrency, parallelism or distribution approach\n`,
        ),
      );
      ({ answers, render } = await askWithGenerator(
        { ...known, ...(request.dryRun ? { confirm: true } : {}), ...(run ? { run } : {}) },
        asked,
        cwd,
      ));
    }
  } else {
    const why = args.yes || json || env.CI ? "" : noPrompt(env);
    if (request.directory === undefined) throw new CreateError(`no project directory given${why}: pass it as the first argument`);
    if (request.template === undefined)
      throw new CreateError(
        `no template given${why}: pass --template NAME, one of ${loadCatalog()
          .map((m) => m.name)
          .join(", ")}`,
      );
  }
  if (answers.confirm === false || answers.occupied === "cancel") throw new CreateError("cancelled: nothing was written");
  const full = { ...request, ...answers } as CreateRequest & { build?: boolean; run?: boolean };
  const result: CreateResult & { build?: BuildReport } = await create(full, render);
  if (!result.dryRun) progress.kept(result.directory);
  const manifest = findTemplate(loadCatalog(), result.template, result.variant, result.approaches);
  if (!json) io.out(prose(summary(result)));
  // the build offer was not made: say why (the commands under Next: say what would build it)
  if (interactive && full.build === undefined && !result.dryRun) {
    const offer = await buildOffer(manifest, cwd);
    if ("why" in offer) io.out(prose(`  not built here: ${offer.why}; the commands under Next: build it`));
  }
  if (full.build) {
    const printer = progressPrinter(process.stderr, env);
    try {
      result.build = await buildProject(result.directory, manifest, {
        switchMode,
        ocaml,
        run: Boolean(full.run),
        progress: printer.step,
        output: printer.output,
        note: (text) => io.err(text),
      });
    } catch (error) {
      // the project is there: what builds it, before the error says what stopped this build
      if (!json) io.out(nextSteps(result, cwd, undefined, width));
      throw error;
    }
    if (!json) io.out(prose(builtSummary(result.build, Boolean(full.run))));
  }
  if (json) io.data(JSON.stringify({ ok: true, ...result }, null, 2));
  else if (!result.dryRun) io.out(nextSteps(result, cwd, result.build, width));
  if (interactive && !json) {
    io.out(["", "To generate it again without questions:", ...commandLines(oneShot(full, result), width)].join("\n"));
    io.out(prose(result.dryRun ? "\nDone: nothing was written (dry run)." : `\nDone: ${result.package} is in ${result.directory}.`));
  }
  return 0;
}
