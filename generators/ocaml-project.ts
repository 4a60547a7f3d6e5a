/**
 * The plop generator: which questions to ask and which actions write the
 * project. The only module that talks to node-plop. It holds no file-system
 * code: the `render-project` action is given by the caller.
 *
 * Answers from flags are gathered first and only the missing questions are
 * asked (plop's own bypass stops at the first conditional prompt, plop#226).
 */
import type { NodePlopAPI, PromptQuestion } from "node-plop";
import type { Template } from "../src/catalog/catalog.js";

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
  catalog: Template[];
  /** What the flags already answered: those questions are not asked. */
  known: Partial<Answers>;
  /** The question offering to build the project, or undefined when a build cannot work here. */
  buildOffer: (answers: Partial<Answers>) => Promise<{ message: string; default: boolean } | undefined>;
  /** The validator the flags go through too: what is wrong with these answers, or undefined. */
  problem: (answers: Partial<Answers>) => string | undefined;
  /** The confirmation question for these answers: what will be written where. */
  confirmation: (answers: Partial<Answers>) => string;
  /** Writes the project into `staging` from the data `runActions` was given, returning the paths written. */
  renderProject: (data: Record<string, unknown>, staging: string) => string[];
}

export const GENERATOR = "ocaml-project";

const variantsOf = (catalog: Template[], answers: Partial<Answers>) => catalog.find((m) => m.name === answers.template)?.variants ?? [];
const approachesOf = (catalog: Template[], answers: Partial<Answers>) => catalog.find((m) => m.name === answers.template)?.approaches ?? [];

// what tells the approaches apart first: the summary last, as the prompt cuts lines to the terminal's width
const choiceLine = (m: Template, width: number) => `${m.name.padEnd(width)}  OCaml ≥ ${m.ocaml.padEnd(4)}  ${m.summary}`;
/** A choice of several (variants, approaches): its name in a column as wide as the longest, then its summary. */
const subChoice = (name: string, width: number, summary: string) => `${name.padEnd(width)}  ${summary}`;
const widest = (names: string[]) => Math.max(...names.map((n) => n.length));

export function prompts({ catalog, known, problem, confirmation, buildOffer }: GeneratorContext): PromptQuestion[] {
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
      choices: catalog.map((m) => ({ name: choiceLine(m, Math.max(...catalog.map((c) => c.name.length))), value: m.name, short: m.name })),
    });
  if (known.variant === undefined)
    questions.push({
      type: "list",
      name: "variant",
      message: "Which variant?",
      // asked only for a template that has variants
      when: (answers: Partial<Answers>) => Boolean(variantsOf(catalog, { ...known, ...answers }).length),
      pageSize: Math.max(...catalog.map((m) => m.variants?.length ?? 0)),
      choices: (answers: Partial<Answers>) => {
        const variants = variantsOf(catalog, { ...known, ...answers });
        const width = widest(variants.map((v) => v.name));
        return variants.map((v) => ({ name: subChoice(v.name, width, v.summary), value: v.name, short: v.name }));
      },
    });
  if (known.approaches === undefined)
    questions.push({
      type: "checkbox",
      name: "approaches",
      // the only hint shown: lazy-inquirer.ts hides inquirer's longer one
      message: "Which approaches to compare? (space toggles, enter accepts)",
      // asked only for a template made of approaches (compare)
      when: (answers: Partial<Answers>) => Boolean(approachesOf(catalog, { ...known, ...answers }).length),
      // every approach on screen at once, as the catalog is (inquirer pages more than 7)
      pageSize: Math.max(...catalog.map((m) => m.approaches?.length ?? 0)),
      choices: (answers: Partial<Answers>) => {
        const approaches = approachesOf(catalog, { ...known, ...answers });
        const width = widest(approaches.map((a) => a.name));
        return approaches.map((a) => ({ name: subChoice(a.name, width, a.summary), value: a.name, short: a.name, checked: a.default }));
      },
      validate: (chosen: string[]) => (chosen.length >= 2 ? true : "choose at least two approaches to compare"),
    });
  if (known.confirm === undefined)
    questions.push({
      type: "confirm",
      name: "confirm",
      message: (answers: Partial<Answers>) => confirmation({ ...known, ...answers }),
      default: true,
    });
  if (known.build === undefined)
    questions.push({
      type: "confirm",
      name: "build",
      // asked only when the build can work with the tools here (versions checked first)
      message: async (answers: Partial<Answers>) => (await buildOffer({ ...known, ...answers }))?.message ?? "",
      default: async (answers: Partial<Answers>) => (await buildOffer({ ...known, ...answers }))?.default ?? false,
      when: async (answers: Partial<Answers>) => answers.confirm !== false && (await buildOffer({ ...known, ...answers })) !== undefined,
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
