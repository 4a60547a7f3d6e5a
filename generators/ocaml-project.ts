/**
 * The plop generator: which questions to ask and which actions write the
 * project. The only module that talks to node-plop. It holds no file-system
 * code: the `render-project` action is given by the caller.
 *
 * Answers from flags are gathered first and only the missing questions are
 * asked (plop's own bypass stops at the first conditional prompt, plop#226).
 */
import type { NodePlopAPI, PromptQuestion } from "node-plop";
import type { Manifest } from "../src/catalog.js";

export interface Answers {
  directory: string;
  template: string;
  variant?: string;
  /** for the compare template */
  approaches?: string[];
  confirm: boolean;
  /** install the dependencies and build after writing */
  build?: boolean;
}

export interface GeneratorContext {
  catalog: Manifest[];
  /** What the flags already answered: those questions are not asked. */
  known: Partial<Answers>;
  /** Whether opam is installed: building is then the default answer. */
  opamFound: boolean;
  /** The validator the flags go through too: what is wrong with these answers, or undefined. */
  problem: (answers: Partial<Answers>) => string | undefined;
  /** Writes the project into `staging` from the data `runActions` was given, returning the paths written. */
  renderProject: (data: Record<string, unknown>, staging: string) => string[];
}

export const GENERATOR = "ocaml-project";

const variantsOf = (catalog: Manifest[], answers: Partial<Answers>) =>
  catalog.find((m) => m.name === answers.template)?.variants ?? [];
const approachesOf = (catalog: Manifest[], answers: Partial<Answers>) =>
  catalog.find((m) => m.name === answers.template)?.approaches ?? [];

const choiceLine = (m: Manifest) => `${m.name.padEnd(14)} ${m.summary} (OCaml ≥ ${m.ocaml}, ${m.kind})`;

export function prompts({ catalog, known, problem, opamFound }: GeneratorContext): PromptQuestion[] {
  const questions: PromptQuestion[] = [];
  if (known.directory === undefined)
    questions.push({
      type: "input",
      name: "directory",
      message: "Project directory (its name becomes the opam package):",
      default: "ocaml-parallel-app",
      validate: (directory: string) => problem({ ...known, directory }) ?? true,
    });
  if (known.template === undefined)
    questions.push({
      type: "list",
      name: "template",
      message: "Which approach?",
      pageSize: catalog.length,
      choices: catalog.map((m) => ({ name: choiceLine(m), value: m.name, short: m.name })),
    });
  if (known.variant === undefined)
    questions.push({
      type: "list",
      name: "variant",
      message: "Which variant?",
      // asked only for a template that has variants
      when: (answers: Partial<Answers>) => Boolean(variantsOf(catalog, { ...known, ...answers }).length),
      choices: (answers: Partial<Answers>) =>
        variantsOf(catalog, { ...known, ...answers }).map((v) => ({ name: `${v.name.padEnd(12)} ${v.summary}`, value: v.name, short: v.name })),
    });
  if (known.approaches === undefined)
    questions.push({
      type: "checkbox",
      name: "approaches",
      message: "Which approaches to compare? (space toggles, enter accepts)",
      // asked only for a template made of approaches (compare)
      when: (answers: Partial<Answers>) => Boolean(approachesOf(catalog, { ...known, ...answers }).length),
      choices: (answers: Partial<Answers>) =>
        approachesOf(catalog, { ...known, ...answers }).map((a) => ({ name: `${a.name.padEnd(12)} ${a.summary}`, value: a.name, short: a.name, checked: a.default })),
      validate: (chosen: string[]) => (chosen.length >= 2 ? true : "choose at least two approaches to compare"),
    });
  if (known.confirm === undefined)
    questions.push({
      type: "confirm",
      name: "confirm",
      message: "Write the project?",
      default: true,
    });
  if (known.build === undefined)
    questions.push({
      type: "confirm",
      name: "build",
      message: opamFound ? "Install the dependencies with opam, then build and test?" : "Build and test now? (opam was not found: dune alone)",
      default: opamFound,
      when: (answers: Partial<Answers>) => answers.confirm !== false,
    });
  return questions;
}

export function registerGenerator(plop: NodePlopAPI, context: GeneratorContext) {
  plop.setActionType("render-project", (answers, config) => {
    const files = context.renderProject(answers, config.staging as string);
    return `${files.length} files rendered`;
  });
  return plop.setGenerator(GENERATOR, {
    description: "a dune project for one OCaml concurrency, parallelism or distribution approach",
    prompts: prompts(context),
    actions: (answers) => [{ type: "render-project", staging: (answers as { staging: string }).staging }],
  });
}
