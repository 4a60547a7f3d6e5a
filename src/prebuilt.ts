/**
 * What `npm run build` derives once from templates/ and keeps beside the bundle, in
 * dist/prebuilt.json (src/prebuild.ts writes it): the validated manifests, the names the
 * templates depend on, every library name a project name could clash with, and the files of
 * each template folder. The bundle reads this one file at start instead of reading and
 * validating every manifest, searching the name records and walking the folders (so the
 * package ships neither the manifests nor the .hbs sources, which dist/templates/ holds
 * precompiled); run from src/ (the tests), there is none and all of it is derived from
 * templates/ by the same functions.
 */
import { readFileSync } from "node:fs";
import type { Manifest } from "./catalog/catalog.js";

export interface Prebuilt {
  manifests: Manifest[];
  dependencyNames: string[];
  /** names.ts's deriveClashingLibraries: a project's library outside it clashes with nothing recorded */
  clashingLibraries: string[];
  /** every folder of templates/ (a layer) → its files, as render.ts walks them */
  layers: Record<string, string[]>;
}

let loaded: Prebuilt | null | undefined;

/** dist/prebuilt.json when this runs as the bundle; undefined from src/ (or in the build, before it is written). */
export function prebuilt(): Prebuilt | undefined {
  if (loaded === undefined) {
    try {
      loaded = JSON.parse(readFileSync(new URL("prebuilt.json", import.meta.url), "utf8")) as Prebuilt;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
