/**
 * Whether a new project would land inside another dune project or workspace.
 * dune takes as its root the outermost folder above it with a dune-workspace
 * file, else the outermost with a dune-project: there, the new project would
 * build as part of the outer one, and fail on the outer one's files.
 */
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { joinText } from "../paths.js";

export interface Enclosing {
  /** The folder dune would take as the root. */
  root: string;
  /**
   * true: a dune-workspace is there, and only `--root` makes dune build the
   * project alone; false: only dune-projects, and the project's own
   * dune-workspace file makes it a root.
   */
  workspace: boolean;
}

/**
 * dune's rule for its root, looking from `dir` (included) up: the outermost
 * folder with a dune-workspace, else the outermost with a dune-project.
 */
export function duneRootFrom(dir: string): Enclosing | undefined {
  let workspace: string | undefined;
  let project: string | undefined;
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(joinText(d, "dune-workspace"))) workspace = d;
    if (existsSync(joinText(d, "dune-project"))) project = d;
    if (dirname(d) === d) break;
  }
  if (workspace) return { root: workspace, workspace: true };
  return project ? { root: project, workspace: false } : undefined;
}

/** The dune root that would contain a new project at `dir`. */
export const enclosingDune = (dir: string) => duneRootFrom(dirname(dir));

/** A `dune SUBCOMMAND ...` command line run from the project with `--root` when needed; any other command as it is. */
export function atRoot(command: string[], root: string | undefined): string[] {
  return command[0] === "dune" && root ? [command[0], command[1], "--root", root, ...command.slice(2)] : command;
}

/** What to tell the user when the project lands inside another dune project or workspace. */
export function enclosingNote(e: Enclosing): string {
  return e.workspace
    ? `${e.root} has a dune-workspace, so dune would build this project as part of that workspace: run dune here with --root . (the commands below do).`
    : `${e.root} is a dune project: the dune-workspace file written here makes dune build this one on its own.`;
}
