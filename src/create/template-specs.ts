/**
 * Each `.hbs` template as a handlebars spec, by its path under templates/.
 * From the sources (tests, tsc) a template is precompiled when it is asked
 * for. The build replaces this module with one holding every template already
 * precompiled (scripts/build.mjs), so the published CLI loads only handlebars'
 * runtime, never its compiler: compiling at run time cost more than the rest
 * of a run.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import { templatesDir } from "../package-files.js";

/** `noEscape`: handlebars would turn `"` into `&quot;`. `strict`: a typo in a template is an error, not an empty string. */
export const COMPILE_OPTIONS = { noEscape: true, strict: true };

export function templateSpec(path: string): TemplateSpecification {
  const code = Handlebars.precompile(readFileSync(join(templatesDir, path), "utf8"), COMPILE_OPTIONS);
  return new Function(`return ${code}`)();
}
