/**
 * The plop generator: which questions to ask and which actions write the
 * project. The only module that talks to node-plop. It holds no file-system
 * code: what it needs to know (problems, the build offer, the render) is given
 * by the caller.
 *
 * Answers from flags are gathered first and only the missing questions are
 * asked (plop's own bypass stops at the first conditional prompt, plop#226).
 * Each question is its own small function of the context, in the order asked.
 */
import type { NodePlopAPI, PromptQuestion } from "node-plop";
import type { Template } from "../src/catalog/catalog.js";
import { approachChoices, choiceRows } from "./approach-choices.js";

export interface Answers {
  directory: string;
  /** what to do when the directory is not empty: write beside its files (as --force), or choose another */
  occupied?: "beside" | "another" | "cancel";
  /** the other directory, when `occupied` is "another" */
  otherDirectory?: string;
  /** the opam package name, asked only when the one given was refused */
  name?: string;
  template: string;
  variant?: string;
  /** for the compare template */
  approaches?: string[];
  confirm: boolean;
  /** install the dependencies and build after writing */
  build?: boolean;
  /** run the starter after building */
  run?: boolean;
}

type Offer = { message: string; default: boolean } | { why: string };

export interface GeneratorContext {
  catalog: Template[];
  /** What the flags already answered: those questions are not asked. */
  known: Partial<Answers> & { force?: boolean };
  /** Questions asked although the flags answered them, because the answer was refused: the package name. */
  reopened: { name?: boolean };
  /** The template the list starts on (the nearest to a mistyped one). */
  suggested?: string;
  /** The question offering to build the project, or why a build cannot work here. */
  buildOffer: (answers: Partial<Answers>) => Promise<Offer>;
  /** Why each template cannot be built here, by name (undefined: it can, or it is not known yet). */
  notBuildable: () => Promise<(name: string) => string | undefined>;
  /** The validator the flags go through too: what is wrong with these answers, or undefined. */
  problem: (answers: Partial<Answers> & { force?: boolean }) => string | undefined;
  /** The directory, when it exists and is not empty (and --force was not given). */
  occupied: (answers: Partial<Answers>) => string | undefined;
  /** The confirmation question for these answers: what will be written where. */
  confirmation: (answers: Partial<Answers>) => string;
  /** Writes the project into `staging` from the data `runActions` was given, returning the paths written. */
  renderProject: (data: Record<string, unknown>, staging: string) => string[];
}

export const GENERATOR = "ocaml-project";

type Question = (context: GeneratorContext) => PromptQuestion | undefined;
type Given = Partial<Answers>;

/** A question asked only when the flags left `name` open. */
const unanswered =
  (name: keyof Answers, question: (context: GeneratorContext) => PromptQuestion): Question =>
  (context) =>
    context.known[name] === undefined ? question(context) : undefined;

/** The template of the flags and the answers so far (for the variant and approaches questions). */
const templateOf = ({ catalog, known }: GeneratorContext, answers: Given) =>
  catalog.find((m) => m.name === (answers.template ?? known.template));
/** A choice of several (variants, approaches): its name in a column as wide as the longest, then its summary. */
const subChoices = (items: { name: string; summary: string }[]) => {
  const width = Math.max(...items.map((i) => i.name.length));
  return items.map((i) => ({ name: `${i.name.padEnd(width)}  ${i.summary}`, value: i.name, short: i.name }));
};

const directory = unanswered("directory", ({ known, problem }) => ({
  type: "input",
  name: "directory",
  message: "Project directory (its name becomes the opam package):",
  default: "ocaml-parallel-app",
  // a folder that is not empty is asked about next, not refused
  validate: (directory: string) => problem({ ...known, directory, force: true }) ?? true,
}));

/** A directory that is not empty: write beside its files, as --force does, or choose another (or cancel). */
const occupied: Question = (context) => ({
  type: "list",
  name: "occupied",
  message: (answers: Given) => `${context.occupied({ ...context.known, ...answers })} is not empty. What now?`,
  when: (answers: Given) => context.occupied({ ...context.known, ...answers }) !== undefined,
  choices: [
    { name: "Write the project beside its files (as --force: none of them is overwritten)", value: "beside", short: "beside its files" },
    { name: "Choose another directory", value: "another", short: "another directory" },
    { name: "Cancel", value: "cancel", short: "cancel" },
  ],
});

const otherDirectory: Question = ({ known, problem }) => ({
  type: "input",
  name: "otherDirectory",
  message: "Project directory:",
  when: (answers: Given) => answers.occupied === "another",
  validate: (directory: string) => problem({ ...known, name: undefined, directory, force: false }) ?? true,
});

const name: Question = ({ known, reopened, problem }) =>
  reopened.name
    ? {
        type: "input",
        name: "name",
        message: "opam package name:",
        validate: (name: string, answers?: Given) =>
          problem({
            ...known,
            ...answers,
            directory: answers?.otherDirectory ?? answers?.directory ?? known.directory,
            name,
            force: true,
          }) ?? true,
      }
    : undefined;

const template = unanswered("template", (context) => ({
  type: "list",
  name: "template",
  message: "Which approach?",
  default: context.suggested,
  pageSize: choiceRows(context.catalog),
  choices: async () => approachChoices(context.catalog, await context.notBuildable()),
}));

const variant = unanswered("variant", (context) => ({
  type: "list",
  name: "variant",
  message: "Which variant?",
  // asked only for a template that has variants
  when: (answers: Given) => Boolean(templateOf(context, answers)?.variants),
  pageSize: Math.max(...context.catalog.map((m) => m.variants?.length ?? 0)),
  choices: (answers: Given) => subChoices(templateOf(context, answers)?.variants ?? []),
}));

const approaches = unanswered("approaches", (context) => ({
  type: "checkbox",
  name: "approaches",
  // the only hint shown: lazy-inquirer.ts hides inquirer's longer one
  message: "Which approaches to compare? (space toggles, enter accepts)",
  // asked only for a template made of approaches (compare)
  when: (answers: Given) => Boolean(templateOf(context, answers)?.approaches),
  // every approach on screen at once, as the catalog is (inquirer pages more than 7)
  pageSize: Math.max(...context.catalog.map((m) => m.approaches?.length ?? 0)),
  choices: (answers: Given) => {
    const all = templateOf(context, answers)?.approaches ?? [];
    return subChoices(all).map((c, i) => ({ ...c, checked: all[i].default }));
  },
  validate: (chosen: string[]) => (chosen.length >= 2 ? true : "choose at least two approaches to compare"),
}));

const confirm = unanswered("confirm", ({ known, confirmation }) => ({
  type: "confirm",
  name: "confirm",
  message: (answers: Given) => confirmation({ ...known, ...answers }),
  when: (answers: Given) => answers.occupied !== "cancel",
  default: true,
}));

/** Asked only when the build can work with the tools here (versions checked first). */
const build = unanswered("build", ({ known, buildOffer }) => {
  const offer = async (answers: Given) => buildOffer({ ...known, ...answers });
  return {
    type: "confirm",
    name: "build",
    message: async (answers: Given) => {
      const o = await offer(answers);
      return "message" in o ? o.message : "";
    },
    default: async (answers: Given) => {
      const o = await offer(answers);
      return "message" in o && o.default;
    },
    when: async (answers: Given) => answers.confirm !== false && answers.occupied !== "cancel" && "message" in (await offer(answers)),
  };
});

const run = unanswered("run", () => ({
  type: "confirm",
  name: "run",
  message: "Then run the starter?",
  default: true,
  when: (answers: Given) => answers.build === true,
}));

const QUESTIONS = [directory, occupied, otherDirectory, name, template, variant, approaches, confirm, build, run];

export const prompts = (context: GeneratorContext): PromptQuestion[] => QUESTIONS.flatMap((question) => question(context) ?? []);

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
