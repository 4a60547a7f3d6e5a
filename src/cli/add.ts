/**
 * `add`'s command line: its flags and help, the questions a terminal gets, the
 * changes shown before the confirmation, and what is printed after. main.ts
 * loads it only for `add`.
 */
import { type AddPlan, type AddRequest, addableTemplates, inspectProject, notAddable, type Project, planAdd } from "../add/plan.js";
import { unifiedDiff } from "../add/unified-diff.js";
import { type AddResult, add, renderAdded } from "../add/write.js";
import { findTemplate, loadCatalog } from "../catalog/catalog.js";
import { CreateError } from "../errors.js";
import { type FlagSpec, parseFlags } from "./flags.js";
import { again, cdFrom, type Out } from "./output.js";
import { ask as asking, loadPlop, type Plop, renderThrough } from "./prompt.js";
import { canPrompt, noPrompt } from "./terminal.js";

const FLAGS: FlagSpec = {
  string: ["template", "variant", "into", "dir", "package"],
  boolean: ["dry-run", "yes", "json", "help"],
  alias: { t: "template", y: "yes", h: "help" },
};

export const ADD_HELP = `Usage: create-ocaml-parallel add [TEMPLATE] [options]
       npm create ocaml-parallel@latest -- add [TEMPLATE] [options]

Adds an approach to the dune project you are in: its library, starter and
test in a folder of their own, under names that clash with nothing in the
project, and its dependencies in the package's depends (dune-project when it
generates the .opam files, else the .opam). Nothing else of your files changes.
Asks for what is missing when run in a terminal.

Options:
  -t, --template NAME  the approach (also the first argument); not compare
      --variant NAME   a flavour of the approach (domains: stdlib or domainslib)
      --into DIR       the project to add to (default: the one around the
                       current folder)
      --dir SUBDIR     where the approach goes (default: parallel/TEMPLATE)
      --package NAME   the opam package that gets it, when there are several
      --dry-run        print the diff of every change, write nothing
  -y, --yes            never prompt (also without a terminal or with CI set)
      --json           the result (or the error) as JSON on stdout; no prompt
  -h, --help           this help

Exit codes: 0 done; 1 wrong input or environment, or cancelled;
130 interrupted (Ctrl-C).

Examples:
  create-ocaml-parallel add eio
  create-ocaml-parallel add domains --variant domainslib --package my-lib \\
    --dry-run`;

function parseArgs(argv: string[]) {
  const { flags: args, positionals } = parseFlags(argv, FLAGS, { command: "add", usage: "add [TEMPLATE]", most: 1 });
  if (args.template && positionals[0] && args.template !== positionals[0])
    throw new CreateError(`two templates given: "${positionals[0]}" and --template "${args.template}"`);
  return {
    template: (args.template as string | undefined) ?? positionals[0],
    variant: args.variant as string | undefined,
    into: args.into as string | undefined,
    dir: args.dir as string | undefined,
    package: args.package as string | undefined,
    dryRun: Boolean(args["dry-run"]),
    yes: Boolean(args.yes),
    json: Boolean(args.json),
    help: Boolean(args.help),
  };
}

const cannotAdd = () =>
  loadCatalog()
    .filter((m) => notAddable(m))
    .map((m) => `${m.name} cannot (a project of its own)`)
    .join("; ");

export async function addCommand(argv: string[], io: Out, env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    io.out(ADD_HELP);
    return 0;
  }
  // what the flags say is checked before anything is asked
  const project = inspectProject(args.into, cwd);
  if (args.template !== undefined) {
    const m = findTemplate(loadCatalog(), args.template, args.variant);
    const refused = notAddable(m);
    if (refused) throw new CreateError(refused);
  } else if (args.variant !== undefined) throw new CreateError("--variant needs a template");
  if (args.package !== undefined && !project.packages.includes(args.package))
    throw new CreateError(`the project has no package "${args.package}"; its packages: ${project.packages.join(", ") || "none"}`);
  if (!args.json) io.out(`dune project: ${project.located.project}; ${project.located.how}`);

  const interactive = !args.yes && !args.json && !env.CI && (await canPrompt(env));
  if (!interactive && args.template === undefined)
    throw new CreateError(
      `no template given${args.yes || args.json || env.CI ? "" : noPrompt(env)}: pass one, e.g. add eio. Those that can be added: ${addableTemplates()
        .map((m) => m.name)
        .join(", ")} (${cannotAdd()})`,
    );
  const plop = interactive ? await loadPlop(cwd) : undefined;
  const chosen = plop ? { ...args, ...(await ask(plop, project, args)) } : args;
  const request: AddRequest = { ...chosen, template: chosen.template!, cwd };
  const plan = planAdd(request, project);

  let render: ((p: AddPlan, staging: string) => Promise<string[]>) | undefined;
  if (plop && !args.dryRun) {
    io.out(`\n${changes(plan)}`);
    render = await confirm(plop, plan);
  }
  const result = await add(request, plan, render);
  if (args.json) io.data(JSON.stringify({ ok: true, ...result }, null, 2));
  else io.out(summary(plan, result, cwd));
  if (plop && !args.json) io.out(`\nTo add it again without questions: ${oneShot(result)}`);
  return 0;
}

/** What will change, before the confirmation: the names, the new files, the diff of each edited file. */
function changes(plan: AddPlan): string {
  const lines = [...describe(plan), "", ...plan.edits.map((e) => unifiedDiff(e.path, e.before, e.after).trimEnd())];
  return lines.join("\n");
}

/** The names, the dependencies and the notes, for the confirmation and the summary. */
function describe(plan: AddPlan): string[] {
  const { names, dependencies: deps } = plan;
  const lines = [
    `${plan.manifest.title} in ${plan.dir}/, for package ${plan.package}: library ${names.library} (module ${names.module}), starter ${names.package}, test test_${names.library}`,
  ];
  if (plan.clashes.length) lines.push(`  names taken in the project, so not used: ${plan.clashes.join("; ")}`);
  if (deps.added.length) lines.push(`  ${deps.file}: ${deps.added.join(" ")} added to package ${plan.package}'s depends`);
  else lines.push(`  ${deps.file}: package ${plan.package}'s depends has every dependency already`);
  if (plan.edits.some((e) => e.path !== deps.file))
    lines.push(`  ${plan.package}.opam: the same, where dune writes them when it regenerates it`);
  for (const k of deps.kept)
    lines.push(
      `  ${k.name} is in depends already as ${k.theirs}, left as it is; ${plan.manifest.name} asks for ${k.ours}: check they agree`,
    );
  for (const s of plan.manifest.system)
    lines.push(`  it needs ${s.what} on the system: sudo apt-get install ${s.apt} (Debian/Ubuntu), brew install ${s.brew} (macOS)`);
  for (const n of plan.notes) lines.push(`  note: ${n}`);
  return lines;
}

function summary(plan: AddPlan, r: AddResult, cwd: string): string {
  if (r.dryRun)
    return [
      ...describe(plan),
      "",
      r.diff!.trimEnd(),
      "",
      `Dry run: ${r.files.length} new files and ${r.edited.length} edited would be written; nothing was.`,
    ].join("\n");
  return [
    `Added ${plan.manifest.name} to ${r.project}: ${r.files.length} new files, ${r.edited.length ? `${r.edited.join(" and ")} edited` : "no file edited"}`,
    ...describe(plan),
    ...r.files.map((f) => `  + ${f}`),
    "",
    "Next:",
    ...[...cdFrom(cwd, r.project), ...r.next].map((c) => `  ${c}`),
  ].join("\n");
}

function oneShot(r: AddResult): string {
  return again([
    "add",
    r.template,
    ...(r.variant ? ["--variant", r.variant] : []),
    "--package",
    r.package,
    "--dir",
    r.directory,
    ...(r.dryRun ? ["--dry-run"] : []),
  ]);
}

// --- questions, through the plop generators (generators/ocaml-add.ts); loaded only in a terminal

async function ask(plop: Plop, project: Project, args: ReturnType<typeof parseArgs>) {
  const { registerAddChoices } = await import("../../generators/ocaml-add.js");
  const generator = registerAddChoices(plop, {
    templates: addableTemplates(),
    packages: project.packages,
    known: { template: args.template, variant: args.variant, package: args.package },
  });
  const answers = (await asking(() => generator.runPrompts())) as { template?: string; variant?: string; package?: string };
  return {
    template: args.template ?? answers.template,
    variant: args.variant ?? answers.variant,
    package: args.package ?? answers.package,
  };
}

/** Asks to go ahead; returns the render the add goes through (the generator's action). */
async function confirm(plop: Plop, plan: AddPlan) {
  const { registerAdd } = await import("../../generators/ocaml-add.js");
  const write = renderThrough((_: undefined, staging: string) => renderAdded(plan, staging));
  const generator = registerAdd(plop, {
    question: `Add ${plan.manifest.name} to ${plan.project.located.project}?`,
    render: (staging) => write.render(undefined, staging),
  });
  const { confirm: yes } = (await asking(() => generator.runPrompts())) as { confirm: boolean };
  if (!yes) throw new CreateError("cancelled: nothing was written");
  return (_: AddPlan, staging: string) => write.run(() => generator.runActions({ staging }), "writing the approach");
}
