/**
 * `create`'s command line: its flags and help, the questions a terminal gets,
 * the listing, and what is printed after writing (and building) the project.
 */
import { readFileSync } from "node:fs";
import { findTemplate, loadCatalog, runCommand, type Template } from "../catalog/catalog.js";
import { loadSystems, systemsListing } from "../catalog/systems.js";
import { type CreateRequest, type CreateResult, create, type Plan, plan, problemWith } from "../create/create.js";
import { CreateError } from "../errors.js";
import { type BuildReport, buildOffer, buildProject, checkSwitchCompiler, type StepResult, type SwitchMode } from "../toolchain/build.js";
import { DUNE_LANG } from "../versions.js";
import { type FlagSpec, parseFlags, spelling } from "./flags.js";
import type { Progress } from "./main.js";
import { again, cdFrom, type Out, pathArgument } from "./output.js";
import { ask, loadPlop, renderThrough } from "./prompt.js";
import { canPrompt, forLocale, movesCursor, noPrompt } from "./terminal.js";

const FLAGS: FlagSpec = {
  string: ["template", "variant", "approaches", "name", "author", "switch", "ocaml"],
  boolean: ["list", "all", "yes", "force", "git", "build", "run", "dry-run", "json", "help", "version"],
  alias: { t: "template", y: "yes", h: "help", v: "version" },
  negated: ["git"],
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

// import.meta.url is the bundle's, dist/cli.cjs: package.json is beside dist/
const version = () => (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

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

function listing(catalog: Template[]): string {
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

function summary(result: CreateResult, cwd: string): string {
  const cd = cdFrom(cwd, result.directory);
  const lines = [
    result.dryRun
      ? `Would write ${result.files.length} files to ${result.directory} (dry run, nothing written):`
      : `Wrote the ${result.template} project ${result.package} (${result.files.length} files) to ${result.directory}`,
    ...(result.dryRun ? result.files.map((f) => `  ${f}`) : []),
    ...result.notes,
  ];
  if (!result.dryRun) {
    if (result.git === "failed") lines.push("git init failed; the project is written, run git init yourself.");
    if (result.git === "no-git")
      lines.push("git was not found, so no repository was made (git init makes one; --no-git says you want none).");
    lines.push("", "Next:", ...[...cd, ...result.next].map((c) => `  ${c}`));
  }
  return lines.join("\n");
}

/** The command that makes the same project without questions (sv prints one too). */
function oneShot(full: CreateRequest & { build?: boolean }, result: CreateResult): string {
  const words = [pathArgument(full.directory), "--template", full.template];
  if (result.variant) words.push("--variant", result.variant);
  if (result.approaches) words.push("--approaches", result.approaches.join(","));
  if (full.name) words.push("--name", full.name);
  if (full.build) words.push("--build");
  if (full.dryRun) words.push("--dry-run");
  return again(words);
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
 * Asks, through the node-plop generator, what the flags left open; the
 * generator's action then renders the project. Loaded only when there is a
 * terminal to ask in: without questions, `create` renders directly (the same
 * renderProject the action calls), and a run never loads node-plop.
 */
async function askWithGenerator(known: Answers, cwd: string) {
  const [plop, { registerGenerator }, { renderProject }] = await Promise.all([
    loadPlop(cwd),
    import("../../generators/ocaml-project.js"),
    import("../create/render.js"), // already loaded: index.ts imports it
  ]);
  const write = renderThrough((data: Record<string, unknown>, staging: string) => renderProject(data.plan as Plan, staging));
  const generator = registerGenerator(plop, {
    catalog: loadCatalog(),
    known,
    buildOffer: (answers) => buildOffer(findTemplate(loadCatalog(), answers.template ?? "", answers.variant, answers.approaches), cwd),
    problem: (answers) => problemWith({ ...known, ...answers }),
    confirmation: (answers) => confirmation({ ...known, ...answers }),
    renderProject: write.render,
  });
  const answers: Answers = await ask(() => generator.runPrompts());
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
    else io.out(systemsListing(systems));
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
  // --run builds first; --switch only means something with them
  const build = args.build || args.run ? true : undefined;
  if (switchMode && !build) throw new CreateError("--switch goes with --build or --run");
  if (build && request.dryRun) throw new CreateError("--dry-run writes nothing, so there is nothing to --build");
  const ocaml = args.ocaml as string | undefined;
  if (ocaml !== undefined && (!build || switchMode === "current"))
    throw new CreateError("--ocaml names the compiler of a new local switch: it goes with --build --switch local");
  if (request.template !== undefined) {
    const manifest = findTemplate(loadCatalog(), request.template, request.variant, request.approaches);
    if (ocaml !== undefined) checkSwitchCompiler(ocaml, manifest);
  } else if (request.variant !== undefined) throw new CreateError("--variant needs --template");
  else if (request.approaches !== undefined) throw new CreateError("--approaches needs --template compare");
  return { request, build, switchMode, ocaml, run: Boolean(args.run) };
}

export async function createCommand(argv: string[], io: Out, env: NodeJS.ProcessEnv, cwd: string, progress: Progress): Promise<number> {
  const args = parseArgs(argv);
  const json = Boolean(args.json);
  if (args.help || args.version) {
    io.out(args.help ? HELP : version());
    return 0;
  }
  if (args.all && !args.list) throw new CreateError("--all goes with --list");
  if (args.list) return list(args, io);
  const { request, build, switchMode, ocaml, run } = requested(args, cwd);

  const interactive = !args.yes && !json && !env.CI && (await canPrompt(env));
  if (interactive) {
    // create() checks the same before writing; asking first needs it now
    const early = problemWith(request);
    if (early) throw new CreateError(early);
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
  const { answers, render } = interactive
    ? // a dry run writes nothing: there is nothing to confirm or build
      await askWithGenerator({ ...request, ...(request.dryRun ? { confirm: true, build: false } : { build }) }, cwd)
    : { answers: { build: build ?? false }, render: undefined };
  if (answers.confirm === false) throw new CreateError("cancelled: nothing was written");
  const full = { ...request, ...answers } as CreateRequest & { build?: boolean };
  const result: CreateResult & { build?: BuildReport } = await create(full, render);
  if (!result.dryRun) progress.kept(result.directory);
  if (!json) io.out(summary(result, cwd));
  if (full.build || build) {
    const manifest = findTemplate(loadCatalog(), result.template, result.variant, result.approaches);
    const note = (text: string) => io.err(text);
    result.build = await buildProject(result.directory, manifest, {
      switchMode,
      ocaml,
      run,
      progress: progressPrinter(process.stderr),
      note,
    });
    if (!json) io.out(builtSummary(result.build, run));
  }
  if (json) io.data(JSON.stringify({ ok: true, ...result }, null, 2));
  else if (interactive) io.out(`\nTo generate it again without questions: ${oneShot(full, result)}`);
  return 0;
}
