/**
 * Where the package's own files are: `templates/` beside `src/` in the repository and beside
 * `dist/` once bundled (this module's URL is then the bundle's), so it lives at the top of `src/`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const templatesDir = fileURLToPath(new URL("../templates", import.meta.url));

/** This package's version, from its package.json (beside templates/). */
export const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
