/**
 * The command line: flags, interactive or not, printing, exit codes. The only
 * module that decides how the process ends (0 done, 1 input or environment,
 * 2 a tool step failed, 130/143 interrupted).
 */

import { readFileSync, writeSync } from "node:fs";
import { relative } from "node:path";
import mri from "mri";
import { findTemplate, loadCatalog, type Manifest, runCommand } from "./catalog.js";
import { CreateError, explainFsError, fsReason } from "./errors.js";
import { type CreateRequest, type CreateResult, create, type Plan, plan, problemWith } from "./index.js";
import { undoOnInterrupt } from "./interrupt.js";
import { DUNE_LANG } from "./render.js";
import { shellCommand, shellWord } from "./shell.js";
import { loadSystems, systemsListing } from "./systems.js";
import { canPrompt, forLocale, movesCursor, noPrompt } from "./terminal.js";
import {
  BuildFailure,
  type BuildReport,
  buildOffer,
  buildProject,
  checkSwitchCompiler,
  type StepResult,
  type StoppedStep,
  type SwitchMode,
  stopRunningStep,
} from "./toolchain.js";

const FLAGS = {
  string: ["template", "variant", "approaches", "name", "author", "switch", "ocaml"],
  boolean: ["list", "all", "yes", "force", "git", "build", "run", "dry-run", "json", "help", "version"],
  alias: { t: "template", y: "yes", h: "help", v: "version" },
};

const HELP = `Usage: create-ocaml-parallel [DIRECTORY] [TEMPLATE] [options]
       create-ocaml-parallel add [TEMPLATE] [options]   (see add --help)

Writes a runnable dune project for one OCaml concurrency, parallelism or
distribution approach. Asks for what is missing when run in a terminal.

Options:
  -t, --template NAME   the approach (see --list); also accepted as the 2nd argument
      --variant NAME    a flavour of the approach, for templates that have them
                        (domains: stdlib or domainslib; default: the first)
      --approaches A,B  for the compare template: the approaches it compares
                        (see --list for them and the default ones)
      --list            the catalog: name, summary, OCaml floor, kind, system needs
      --list --all      every OCaml concurrency/parallelism/distribution system we know:
                        status, latest version, OCaml bounds, platforms, and the
                        template to use for it
      --name NAME       opam package name (default: the directory's name, normalised)
      --author TEXT     authors and maintainers in dune-project
                        (default: "Author Name <author@example.com>", as dune init)
  -y, --yes             take the defaults, never prompt (also without a terminal or with CI set)
      --force           write into a non-empty directory; never overwrites or deletes a file
      --no-git          do not run git init
      --build           then install the dependencies with opam, dune build and dune test
                        (with dune alone when opam is missing); the log is in _build/
      --switch MODE     with --build: local (an _opam switch in the project) or current
                        (the active switch; the default when there is one)
      --ocaml VERSION   the compiler of a new local switch (default: the newest tested)
      --run             --build, then run the starter
      --dry-run         print what would be written, write nothing
      --json            machine-readable result on stdout (never prompts)
  -h, --help            this help
  -v, --version         the version

Exit codes: 0 done; 1 wrong input or environment, or cancelled at a prompt (Esc);
2 a tool step failed; 130 interrupted (Ctrl-C); 143 terminated (SIGTERM);
129 hung up (SIGHUP).

\`add\` brings an approach into the dune project you are in: its library,
starter and test in parallel/TEMPLATE/, its dependencies in your package's
depends; nothing else of your files changes (add --help).

Examples:
  npm create ocaml-parallel@latest
  npm create ocaml-parallel@latest my-app domains
  npx create-ocaml-parallel my-app --template domains --yes --json
  npx create-ocaml-parallel add eio --dry-run`;

/** Text for the terminal (`out`, `err`), and JSON for machines (`data`, never altered for the locale). */
type Out = { out: (text: string) => void; err: (text: string) => void; data: (json: string) => void };

const version = () => (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

function parseArgs(argv: string[]) {
  const known = new Set([...FLAGS.string, ...FLAGS.boolean, ...Object.keys(FLAGS.alias), "_"]);
  // mri adds aliases to the arrays it is given, so it gets copies
  const args: Record<string, unknown> & { _: string[] } = mri(argv, {
    string: [...FLAGS.string],
    boolean: [...FLAGS.boolean],
    alias: { ...FLAGS.alias },
  });
  const spelling = (f: string) => (f === "git" ? "--no-git" : `--${f}`);
  const valid = [...FLAGS.string, ...FLAGS.boolean].map(spelling).join(" ");
  for (const key of Object.keys(args))
    if (!known.has(key)) throw new CreateError(`unknown option ${key.length === 1 ? "-" : "--"}${key}. Valid options: ${valid}`);
  const positionals = args._.map(String);
  const twice = givenTwice(argv);
  if (twice) throw new CreateError(`--${twice} was given more than once; give it once`);
  if (args.list) {
    // --list prints and exits: anything else given with it would be silently ignored
    const options = Object.keys(args).filter((k) => k.length > 1 && !["list", "all", "json", "help", "version"].includes(k));
    const extra = [...positionals, ...options.map(spelling)];
    if (extra.length) throw new CreateError(`--list takes only --all and --json, not: ${extra.join(" ")}`);
  }
  if (positionals.length > 2)
    throw new CreateError(`too many arguments: ${positionals.slice(2).join(" ")} (expected DIRECTORY [TEMPLATE])`);
  for (const f of FLAGS.string)
    if (args[f] !== undefined && (typeof args[f] !== "string" || args[f] === "")) throw new CreateError(`--${f} needs a value`);
  if (args.template && positionals[1] && args.template !== positionals[1])
    throw new CreateError(`two templates given: "${positionals[1]}" and --template "${args.template}"`);
  return {
    ...args,
    directory: positionals[0] as string | undefined,
    template: (args.template as string | undefined) ?? positionals[1],
  } as Record<string, unknown> & { directory?: string; template?: string };
}

/**
 * The string option given more than once, if any (`--name a --name b`, or
 * `-t eio --template lwt`, of which mri would silently keep one).
 */
function givenTwice(argv: string[]): string | undefined {
  const end = argv.indexOf("--");
  const words = end === -1 ? argv : argv.slice(0, end);
  return FLAGS.string.find((flag) => {
    const spellings = [
      `--${flag}`,
      ...Object.entries(FLAGS.alias)
        .filter(([, long]) => long === flag)
        .map(([short]) => `-${short}`),
    ];
    return words.filter((w) => spellings.some((s) => w === s || w.startsWith(`${s}=`))).length > 1;
  });
}

function listing(catalog: Manifest[]): string {
  const width = Math.max(...catalog.map((m) => m.name.length));
  const floor = Math.max(...catalog.map((m) => m.ocaml.length)) + "OCaml ≥ ".length;
  return (
    catalog
      .flatMap((m) => [
        `${m.name.padEnd(width)}  ${`OCaml ≥ ${m.ocaml}`.padEnd(floor)}  ${m.kind.padEnd(14)}  ${m.summary}; ${
          m.system.length ? m.system.map((s) => s.what).join(", ") : "no system packages"
        }`,
        ...(m.variants ?? []).map(
          (v, i) => `${"".padEnd(width)}  --variant ${v.name}${i === 0 ? " (default)" : ""}: ${v.summary}; OCaml ≥ ${v.ocaml ?? m.ocaml}`,
        ),
        ...(m.approaches ?? []).map(
          (a) =>
            `${"".padEnd(width)}  --approaches ${a.name}${a.default ? " (default)" : ""}: ${a.summary}${a.ocaml ? `; OCaml ≥ ${a.ocaml}` : ""}`,
        ),
      ])
      // indented, as the lines under a template are: a note, not a template
      .concat(
        `  Every project is (lang dune ${DUNE_LANG}), so it needs dune ≥ ${DUNE_LANG}. How each OCaml floor is known: the README, or --list --json ("floor").`,
      )
      .join("\n")
  );
}

/** A path as a command's argument: one starting with "-" would be read as an option. */
const pathArgument = (path: string) => (path.startsWith("-") ? `./${path}` : path);

function summary(result: CreateResult, cwd: string): string {
  const where = relative(cwd, result.directory) || ".";
  const cd = where === "." ? [] : [`cd ${shellWord(pathArgument(where))}`];
  const lines = [
    result.dryRun
      ? `Would write ${result.files.length} files to ${result.directory} (dry run, nothing written):`
      : `Wrote the ${result.template} project ${result.package} (${result.files.length} files) to ${result.directory}`,
    ...(result.dryRun ? result.files.map((f) => `  ${f}`) : []),
    ...result.notes,
  ];
  if (!result.dryRun) {
    if (result.git === "failed") lines.push("git init failed; the project is written, run git init yourself.");
    lines.push("", "Next:", ...[...cd, ...result.next].map((c) => `  ${c}`));
  }
  return lines.join("\n");
}

// node-plop reports a failure as { type, path, error } or, when an action throws, as the thrown value
const failureText = (f: unknown) =>
  f instanceof Error ? f.message : typeof f === "object" && f ? String((f as { error?: unknown }).error) : String(f);

/** The command that makes the same project without questions (sv prints one too). */
function oneShot(full: CreateRequest & { build?: boolean }, result: CreateResult): string {
  const words = [pathArgument(full.directory), "--template", full.template];
  if (result.variant) words.push("--variant", result.variant);
  if (result.approaches) words.push("--approaches", result.approaches.join(","));
  if (full.name) words.push("--name", full.name);
  if (full.build) words.push("--build");
  if (full.dryRun) words.push("--dry-run");
  return `npm create ocaml-parallel@latest -- ${shellCommand([...words, "--yes"])}`;
}

/** One line per step on stderr: a ticking line in a terminal, plain lines elsewhere (and under TERM=dumb). */
function progressPrinter(stream: NodeJS.WriteStream) {
  const live = movesCursor(stream);
  let ticker: NodeJS.Timeout | undefined;
  return (step: string, result?: StepResult) => {
    if (!result) {
      const started = Date.now();
      if (!live) return void stream.write(forLocale(`… ${step}\n`));
      const draw = () => stream.write(forLocale(`\r\x1b[K… ${step} ${Math.round((Date.now() - started) / 1000)} s`));
      draw();
      ticker = setInterval(draw, 1000);
      return;
    }
    clearInterval(ticker);
    stream.write(forLocale(`${live ? "\r\x1b[K" : ""}${result.status === "ok" ? "✓" : "✗"} ${step} (${result.seconds.toFixed(1)} s)\n`));
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

type Answers = Partial<CreateRequest> & { confirm?: boolean; build?: boolean };

/** The confirmation question, saying what will be written where. */
function confirmation(answers: Answers): string {
  try {
    const { manifest, target } = plan(answers as CreateRequest);
    return `Write the ${manifest.name}${manifest.variant ? ` (${manifest.variant.name})` : ""} project to ${target.path}?`;
  } catch {
    return "Write the project?"; // the answers were validated: not expected
  }
}

/**
 * inquirer hides the cursor while a list is shown and shows it again only when
 * a prompt is answered: after Ctrl-C or Esc it would stay hidden, in the shell too.
 */
let prompting = false;
function showCursor() {
  try {
    writeSync(1, "\x1b[?25h");
  } catch {
    // no terminal to show it on any more
  }
}

/**
 * Asks, through the node-plop generator, what the flags left open; the
 * generator's action then renders the project. Loaded only when there is a
 * terminal to ask in: without questions, `create` renders directly (the same
 * renderProject the action calls), and a run never loads node-plop.
 */
async function askWithGenerator(known: Answers, cwd: string) {
  const [{ default: nodePlop }, { registerGenerator }, { renderProject }] = await Promise.all([
    import("node-plop"),
    import("../generators/ocaml-project.js"),
    import("./render.js"), // already loaded: index.ts imports it
  ]);
  const plop = await nodePlop(undefined, { destBasePath: cwd, force: false });
  const generator = registerGenerator(plop, {
    catalog: loadCatalog(),
    known,
    buildOffer: (answers) => buildOffer(findTemplate(loadCatalog(), answers.template ?? "", answers.variant, answers.approaches), cwd),
    problem: (answers) => problemWith({ ...known, ...answers }),
    confirmation: (answers) => confirmation({ ...known, ...answers }),
    renderProject: (data, staging) => renderProject(data.plan as Plan, staging),
  });
  // On Ctrl-C inquirer closes its prompt and signals SIGINT to this process; the
  // timer keeps the event loop alive until our handler exits 130 (else Node exits 13).
  const keepAlive = setInterval(() => {}, 1 << 30);
  prompting = true;
  let answers: Answers;
  try {
    answers = await generator.runPrompts();
  } catch (error) {
    // Esc (lazy-inquirer.ts): as answering no to writing
    if ((error as Error).name === "PromptCancelled") throw new CreateError("cancelled: nothing was written");
    throw error;
  } finally {
    clearInterval(keepAlive);
    showCursor();
    prompting = false;
  }
  const render = async (plan: Plan, staging: string) => {
    const { failures } = await generator.runActions({ plan, staging });
    // node-plop keeps only the message of what an action threw: "ENOSPC: ..." and the like
    if (failures.length)
      throw explainFsError(
        new CreateError(`writing the project failed: ${failures.map(failureText).join("; ")}`, 2),
        "writing the project",
      );
  };
  return { answers, render };
}

export async function main(argv: string[], io: Out, env = process.env, cwd = process.cwd()): Promise<number> {
  let json = argv.includes("--json");
  try {
    // `add TEMPLATE`: an approach into an existing dune project (add-cli.ts, loaded only for it)
    if (argv[0] === "add") return await (await import("./add-cli.js")).addMain(argv.slice(1), io, env, cwd);
    const args = parseArgs(argv);
    json = Boolean(args.json);
    if (args.help || args.version) {
      io.out(args.help ? HELP : version());
      return 0;
    }
    const catalog = loadCatalog();
    if (args.all && !args.list) throw new CreateError("--all goes with --list");
    if (args.list && args.all) {
      const systems = loadSystems(catalog);
      if (json) io.data(JSON.stringify(systems, null, 2));
      else io.out(systemsListing(systems));
      return 0;
    }
    if (args.list) {
      if (json)
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
    // --run builds first; --switch only means something with them
    const build = args.build || args.run ? true : undefined;
    if (switchMode && !build) throw new CreateError("--switch goes with --build or --run");
    if (build && request.dryRun) throw new CreateError("--dry-run writes nothing, so there is nothing to --build");
    const ocaml = args.ocaml as string | undefined;
    if (ocaml !== undefined && (!build || switchMode === "current"))
      throw new CreateError("--ocaml names the compiler of a new local switch: it goes with --build --switch local");
    // Check what was given before asking anything (spin#80: errors only after all prompts).
    if (request.template !== undefined) {
      const manifest = findTemplate(catalog, request.template, request.variant, request.approaches);
      if (ocaml !== undefined) checkSwitchCompiler(ocaml, manifest);
    } else if (request.variant !== undefined) throw new CreateError("--variant needs --template");
    else if (request.approaches !== undefined) throw new CreateError("--approaches needs --template compare");

    const interactive = !args.yes && !json && !env.CI && (await canPrompt(env));
    if (interactive) {
      // create() checks the same before writing; asking first needs it now
      const early = problemWith(request);
      if (early) throw new CreateError(early);
    } else {
      const why = args.yes || json || env.CI ? "" : noPrompt(env);
      if (request.directory === undefined) throw new CreateError(`no project directory given${why}: pass it as the first argument`);
      if (request.template === undefined)
        throw new CreateError(`no template given${why}: pass --template NAME, one of ${catalog.map((m) => m.name).join(", ")}`);
    }
    const { answers, render } = interactive
      ? // a dry run writes nothing: there is nothing to confirm or build
        await askWithGenerator({ ...request, ...(request.dryRun ? { confirm: true, build: false } : { build }) }, cwd)
      : { answers: { build: build ?? false }, render: undefined };
    if (answers.confirm === false) throw new CreateError("cancelled: nothing was written");
    const full = { ...request, ...answers } as CreateRequest & { build?: boolean };
    const result: CreateResult & { build?: BuildReport } = await create(full, render);
    if (!result.dryRun) written = result.directory;
    if (!json) io.out(summary(result, cwd));
    if (full.build || build) {
      const manifest = findTemplate(catalog, result.template, result.variant, result.approaches);
      result.build = await buildProject(result.directory, manifest, {
        switchMode,
        ocaml,
        run: Boolean(args.run),
        progress: progressPrinter(process.stderr),
        note: (text) => io.err(text),
      });
      if (!json) io.out(builtSummary(result.build, Boolean(args.run)));
    }
    if (json) io.data(JSON.stringify({ ok: true, ...result }, null, 2));
    else if (interactive) io.out(`\nTo generate it again without questions: ${oneShot(full, result)}`);
    return 0;
  } catch (error) {
    const known = error instanceof CreateError;
    const message = known ? error.message : `unexpected error: ${(error as Error).stack ?? error}`;
    const exitCode = known ? error.exitCode : 2;
    const steps = error instanceof BuildFailure ? { build: error.report } : {};
    if (json) io.data(JSON.stringify({ ok: false, error: message, exitCode, ...steps }, null, 2));
    io.err(`create-ocaml-parallel: ${message}`);
    return exitCode;
  }
}

/**
 * Writes straight to the file descriptor: a run that prints only its summary
 * then never loads Node's stream machinery (a tenth of a whole run). If the
 * descriptor is non-blocking and full (a pipe after a prompt used it), the stream queues it.
 * When the output cannot be written, the run goes on quietly (the project
 * matters more than its summary): a closed pipe (EPIPE, `| head`) is no error;
 * anything else (a full disk) is said once on stderr and makes the exit code 1.
 */
function writeLine(fd: 1 | 2, text: string) {
  if (unwritable.has(fd)) return;
  let rest = Buffer.from(`${text}\n`);
  try {
    while (rest.length) rest = rest.subarray(writeSync(fd, rest));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EAGAIN") return cannotWrite(fd, error);
    const stream = fd === 1 ? process.stdout : process.stderr;
    if (!stream.listenerCount("error")) stream.on("error", (e) => cannotWrite(fd, e));
    stream.write(rest);
  }
}

const unwritable = new Set<number>();
let outputFailed = false;
function cannotWrite(fd: 1 | 2, error: unknown) {
  unwritable.add(fd);
  const code = (error as NodeJS.ErrnoException).code ?? "unknown";
  if (fd === 1 && code !== "EPIPE") {
    outputFailed = true;
    process.exitCode ||= 1; // for a failure after main returned
    writeLine(2, `create-ocaml-parallel: writing to standard output failed: ${fsReason(code) ?? (error as Error).message} (${code})`);
  }
}

/** The project once it is in place: an interruption after that (during --build) leaves it. */
let written: string | undefined;

/** What an interrupted --build leaves: the project, and the commands that finish the build. */
function buildLeft({ dir, step, log, left }: StoppedStep): string {
  const resume = [`cd ${shellWord(dir)}`, ...left.map(shellCommand)].join(" && ");
  return `${step} was stopped. The project is kept in ${dir} (the build's log: ${log}); to finish the build: ${resume}`;
}

/** The process entry: wires signals so an interruption leaves nothing half-written. */
export async function runCli(argv = process.argv.slice(2)) {
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  for (const [signal, code] of Object.entries(codes))
    process.on(signal, () => {
      undoOnInterrupt();
      const stopped = stopRunningStep(signal as NodeJS.Signals);
      if (prompting) showCursor();
      process.stderr.write(
        `\n${forLocale(`create-ocaml-parallel: interrupted (${signal}); ${stopped ? buildLeft(stopped) : `${written ? `the project is kept in ${written}; ` : ""}nothing half-written is left.`}`)}\n`,
      );
      process.exit(code);
    });
  const code = await main(argv, {
    out: (text) => writeLine(1, forLocale(text)),
    err: (text) => writeLine(2, forLocale(text)),
    data: (json) => writeLine(1, json),
  });
  process.exitCode = code === 0 && outputFailed ? 1 : code;
}
