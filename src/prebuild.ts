/**
 * The build's own entry (scripts/build.mjs bundles and runs it; the CLI never loads it):
 * derives what dist/prebuilt.json holds with the functions that derive it at run time from
 * src/, so the two cannot differ.
 */
import { readdirSync } from "node:fs";
import { deriveDependencyNames, readCatalog } from "./catalog/catalog.js";
import { walkLayer } from "./create/render.js";
import { deriveClashingLibraries } from "./names.js";
import { templatesDir } from "./package-files.js";
import type { Prebuilt } from "./prebuilt.js";

export function derivePrebuilt(): Prebuilt {
  const manifests = readCatalog(templatesDir);
  const folders = readdirSync(templatesDir, { withFileTypes: true }).filter((e) => e.isDirectory());
  return {
    manifests,
    dependencyNames: deriveDependencyNames(manifests),
    clashingLibraries: deriveClashingLibraries(),
    layers: Object.fromEntries(folders.map((f) => [f.name, walkLayer(f.name)])),
  };
}
