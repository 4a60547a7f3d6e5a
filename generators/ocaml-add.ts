/**
 * The plop generators of `create-ocaml-parallel add`: one asks what the flags
 * left open (the approach, its variant, the package), the other confirms the
 * changes, shown beforehand, and its action renders the approach's files.
 * They hold no file-system code: the caller gives the render.
 */
import type { NodePlopAPI, PromptQuestion } from "node-plop";
import type { Template } from "../src/catalog/catalog.js";
import { approachChoices, choiceRows } from "./approach-choices.js";

export interface AddAnswers {
  template: string;
  variant?: string;
  package?: string;
}

export interface AddChoices {
  /** the templates that can be added */
  templates: Template[];
  /** the project's opam packages */
  packages: string[];
  /** what the flags already answered: those questions are not asked */
  known: Partial<AddAnswers>;
}

const variantsOf = (templates: Template[], template: string | undefined) => templates.find((m) => m.name === template)?.variants ?? [];

export function registerAddChoices(plop: NodePlopAPI, { templates, packages, known }: AddChoices) {
  const prompts: PromptQuestion[] = [];
  if (known.template === undefined)
    prompts.push({
      type: "list",
      name: "template",
      message: "Which approach to add?",
      pageSize: choiceRows(templates),
      choices: approachChoices(templates),
    });
  if (known.variant === undefined)
    prompts.push({
      type: "list",
      name: "variant",
      message: "Which variant?",
      when: (answers: Partial<AddAnswers>) => variantsOf(templates, known.template ?? answers.template).length > 0,
      choices: (answers: Partial<AddAnswers>) =>
        variantsOf(templates, known.template ?? answers.template).map((v) => ({
          name: `${v.name.padEnd(12)} ${v.summary}`,
          value: v.name,
          short: v.name,
        })),
    });
  if (known.package === undefined && packages.length > 1)
    prompts.push({
      type: "list",
      name: "package",
      message: "Which package gets it (its depends, and the starter)?",
      choices: packages,
    });
  return plop.setGenerator("ocaml-add-choices", { description: "choose the approach to add to a dune project", prompts, actions: [] });
}

export interface AddConfirmation {
  /** the question, after the changes were shown */
  question: string;
  /** writes the approach's files into `staging`; returns them */
  render: (staging: string) => string[];
}

export function registerAdd(plop: NodePlopAPI, { question, render }: AddConfirmation) {
  plop.setActionType("render-approach", (_answers, config) => `${render(config.staging as string).length} files rendered`);
  return plop.setGenerator("ocaml-add", {
    description: "add an approach to a dune project",
    prompts: [{ type: "confirm", name: "confirm", message: question, default: true }],
    actions: (answers) => [{ type: "render-approach", staging: (answers as { staging: string }).staging }],
  });
}
