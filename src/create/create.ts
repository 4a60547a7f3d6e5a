/**
 * Creating a project: check a request (the place, the names, the template),
 * then write it through the given render (the plop generator's action in a
 * terminal), then git init; and the commands to run next.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, resolve } from "node:path";
import { dependencyNames, findTemplate, loadCatalog, type Template } from "../catalog/catalog.js";
import { type Enclosing, enclosingDune, enclosingNote } from "../dune/workspace.js";
import { CreateError } from "../errors.js";
import { undoable } from "../interrupt.js";
import { DEFAULT_AUTHOR, nameProblem, normaliseName, oneLine, type ProjectNames, projectNames } from "../names.js";
import { currentSwitchOcaml, recipe } from "../toolchain/recipe.js";
import { installedTools } from "../toolchain/tools.js";
import { initRepository } from "./git.js";
import { renderProject } from "./render.js";
import { filesBelowSorted, inspectTarget, type Target, writeProject } from "./target.js";

export { DEFAULT_AUTHOR } from "../names.js";

export interface CreateRequest {
  directory: string;
  template: string;
  /** for templates with variants; default: the first */
  variant?: string;
  /** for the compare template: the approaches it compares; default: its default ones */
  approaches?: string[];
  /** opam package name; default: the directory's base name, normalised. */
  name?: string;
  author?: string;
  force?: boolean;
  git?: boolean;
  dryRun?: boolean;
  cwd?: string;
}

export interface Plan {
  target: Target;
  manifest: Template;
  names: ProjectNames;
  author: string;
  /** The dune project or workspace the target is inside, if any: the project then gets a dune-workspace file. */
  enclosing?: Enclosing;
}

/** Where the project goes and what it is called: the checks that need no template. */
function placeAndName(request: Omit<CreateRequest, "template">) {
  const target = inspectTarget(request.directory, request.cwd ?? process.cwd(), request.force ?? false);
  const name = normaliseName(request.name ?? basename(target.path));
  const problem = nameProblem(name, dependencyNames());
  if (problem) throw new CreateError(request.name === undefined ? `${problem} (or pass --name to choose the package name)` : problem);
  // authors go on one line; an empty one would make an .opam that opam lint rejects
  const author = oneLine(request.author ?? DEFAULT_AUTHOR);
  if (author === "") throw new CreateError('--author is empty: give a name, e.g. --author "Ada Lovelace <ada@example.com>"');
  return { target, names: projectNames(name), author };
}

/** Checks a request before anything is asked or written; throws a CreateError saying what is wrong. */
export function plan(request: CreateRequest): Plan {
  const place = placeAndName(request);
  const manifest = findTemplate(loadCatalog(), request.template, request.variant, request.approaches);
  return { ...place, manifest, enclosing: enclosingDune(place.target.path) };
}

/** What is wrong with a partial request (the prompts validate with it); undefined when nothing is. */
export function problemWith(request: Partial<CreateRequest>): string | undefined {
  try {
    if (request.template !== undefined) findTemplate(loadCatalog(), request.template, request.variant, request.approaches);
    if (request.directory !== undefined) placeAndName({ ...request, directory: request.directory });
    return undefined;
  } catch (error) {
    if (error instanceof CreateError) return error.message;
    throw error;
  }
}

/** What is wrong with `name` as the opam package's name, or undefined. */
export const packageNameProblem = (name: string) => nameProblem(normaliseName(name), dependencyNames());

/** The directory of `request` when it exists and is not empty and --force was not given (the prompt then asks what to do). */
export function occupied(request: Partial<CreateRequest>): string | undefined {
  if (request.directory === undefined || request.force) return undefined;
  try {
    const target = inspectTarget(request.directory, request.cwd ?? process.cwd(), true);
    return target.state === "non-empty" ? target.path : undefined;
  } catch {
    return undefined; // another problem: the directory's question says it
  }
}

export interface CreateResult {
  directory: string;
  package: string;
  library: string;
  module: string;
  template: string;
  variant?: string;
  approaches?: string[];
  files: string[];
  git: "initialised" | "inside-repository" | "no-git" | "failed" | "skipped";
  dryRun: boolean;
  /** The commands to run next, from the project's directory. */
  next: string[];
  /** What the user should know about where the project landed. */
  notes: string[];
}

/**
 * Writes the project. `render` runs the plop generator's actions into the
 * staging folder (the CLI passes it); tests may call `renderProject` directly.
 */
export async function create(
  request: CreateRequest,
  render: (p: Plan, staging: string) => Promise<void> = async (p, staging) => void renderProject(p, staging),
): Promise<CreateResult> {
  const p = plan(request);
  // asked now, awaited after the writing: "Next:" depends on it, the writing does not
  // (a failure to ask only costs the fitting "Next:", never the project)
  const tools = installedTools().catch(() => ({}));
  // the writing below is synchronous work: let the question reach dune first
  await new Promise(setImmediate);
  const result = async (files: string[], git: CreateResult["git"], dryRun: boolean): Promise<CreateResult> => ({
    directory: p.target.path,
    ...p.names,
    template: p.manifest.name,
    variant: p.manifest.variant?.name,
    approaches: p.manifest.chosen?.map((a) => a.name),
    files,
    git,
    dryRun,
    next: nextCommands(p.manifest, await tools, p.enclosing?.workspace ?? false),
    notes: p.enclosing ? [enclosingNote(p.enclosing)] : [],
  });
  if (request.dryRun) {
    const scratch = mkdtempSync(resolve(tmpdir(), "create-ocaml-parallel-dry-run-"));
    const remove = () => rmSync(scratch, { recursive: true, force: true });
    const files = await undoable(remove, async () => {
      await render(p, scratch);
      return filesBelowSorted(scratch);
    });
    remove();
    return result(files, "skipped", true);
  }
  const files = await writeProject(p.target, (staging) => render(p, staging));
  const git = request.git === false ? "skipped" : await initRepository(p.target.path);
  return result(files, git, false);
}

/**
 * What to run next, with what is installed: the one recipe (toolchain/recipe.ts), with the
 * current switch's OCaml read from opam's files when opam is ready.
 */
export function nextCommands(m: Template, tools: Awaited<ReturnType<typeof installedTools>>, root: boolean): string[] {
  return recipe(m, { ...tools, switchOcaml: tools.opam === "ready" ? currentSwitchOcaml() : undefined }, root);
}
