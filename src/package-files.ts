/**
 * Where the package's own files are: `templates/` beside `src/` in the repository and beside
 * `dist/` once bundled (this module's URL is then the bundle's), so it lives at the top of `src/`.
 */
import { fileURLToPath } from "node:url";

export const templatesDir = fileURLToPath(new URL("../templates", import.meta.url));
