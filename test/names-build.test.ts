/**
 * The name check against the real toolchain: templates/name-clashes.json is what
 * the chroot's ocamlfind says now, refused names really break a project's build
 * (the project is rendered with the name anyway, past the check), and accepted
 * ones build and test.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dependencyNames, findTemplate, loadCatalog } from "../src/catalog/catalog.js";
import { renderProject } from "../src/create/render.js";
import { nameProblem, projectNames } from "../src/names.js";
import { templatesDir } from "../src/package-files.js";
import { outputOf, repo, runCli } from "./helpers/cli.js";
import { forkyRoot, forkyWorkDir, inForky, removeForkyWorkDirs } from "./helpers/forky.js";

afterAll(removeForkyWorkDirs);

const root = forkyRoot();
const script = join(repo, "scripts/forky-toolchain.sh");
/** async, rpc-parallel and mpi build only once their sources are in the chroot. */
const hasSources = (() => {
  try {
    execFileSync("bash", [script, "has-sources"]);
    return true;
  } catch {
    return false;
  }
})();

const catalog = loadCatalog();
const manifest = (template: string, variant?: string) => {
  const approaches = catalog.find((m) => m.name === template)?.approaches?.map((a) => a.name);
  return findTemplate(catalog, template, variant, approaches);
};

/** Builds each project in its own folder in one chroot run; the output and exit code of `dune build` for each. */
async function buildAll(outside: string, inside: string, folders: string[], command = "dune build") {
  const r = await inForky(
    `cd ${inside} && for d in ${folders.join(" ")}; do (cd $d && timeout 600 sh -c '${command}' > ../$d.log 2>&1; echo $? > ../$d.exit); done`,
    1_800_000,
  );
  expect(r.exitCode, r.all).toBe(0);
  return Object.fromEntries(
    folders.map((d) => [
      d,
      { exit: Number(readFileSync(join(outside, `${d}.exit`), "utf8")), log: readFileSync(join(outside, `${d}.log`), "utf8") },
    ]),
  );
}

describe("templates/name-clashes.json", () => {
  it("is what the toolchain says now (else: npm run name-clashes)", () => {
    const out = execFileSync(process.execPath, [join(repo, "scripts/name-clashes.mjs"), "--check"], { encoding: "utf8" });
    expect(out).toContain("templates/name-clashes.json is current");
    if (hasSources) expect(out).not.toContain("not checked");
    else console.warn(`name-clashes.json partly checked, the chroot has no sources for async, rpc-parallel and mpi:\n${out}`);
  }, 300_000);
});

/** How dune and the compiler refuse such a project, as seen in them. */
const BREAKS =
  /Error: (Conflict between the following libraries|library "\w+" is present twice|Dependency cycle|Unbound module|Module \w+ in directory .* depends on|(The files|Files) .* make inconsistent assumptions)/s;
// [name, template, variant]
const refused: [string, string, string | undefined][] = [
  // the generated project's own modules and libraries
  ["echo", "eio", undefined],
  ["blocking", "threads", undefined],
  ["kernel", "ctypes", undefined],
  ["all-approaches", "compare", undefined],
  ["domains-approach", "compare", undefined],
  ["eio-approach", "compare", undefined],
  // libraries pulled in indirectly
  ["fmt", "eio", undefined],
  ["lwt-dllist", "eio", undefined],
  ["saturn", "domains", "domainslib"],
  ["ctypes", "luv", undefined],
  // modules of linked libraries, the standard library's included
  ["unix", "domains", undefined],
  ["thread", "threads", undefined],
  ["event", "threads", undefined],
  ["dl", "ctypes", undefined],
  ["list", "domains", undefined],
  ["std_exit", "parmap", undefined],
  ...(hasSources
    ? ([
        ["command", "async", undefined],
        ["uuid", "rpc-parallel", undefined],
        ["sexplib0", "rpc-parallel", undefined],
      ] as [string, string, undefined][])
    : []),
];

/** A few more from the record: from the middle on, the first library each of these templates pulls in indirectly that the list above lacks. */
function picked(): [string, string, string | undefined][] {
  const { templates } = JSON.parse(readFileSync(join(templatesDir, "name-clashes.json"), "utf8"));
  const sample: [string, string, string | undefined][] = [
    ["eio", "eio", undefined],
    ["lwt", "lwt", undefined],
    ["domains-domainslib", "domains", "domainslib"],
    ["luv", "luv", undefined],
  ];
  const taken = new Set(refused.map(([name]) => name));
  return sample.map(([id, template, variant]) => {
    const indirect = (templates[id].libraries as string[])
      .filter((l) => /^[a-z][a-z0-9_]*$/.test(l) && !templates[id].packages.includes(l))
      .map((l) => l.replace(/_/g, "-"));
    const from = [...indirect.slice(indirect.length >> 1), ...indirect.slice(0, indirect.length >> 1)];
    const name = from.find((l) => !taken.has(l));
    if (!name) throw new Error(`${id}: no library left to pick`);
    taken.add(name);
    return [name, template, variant];
  });
}

describe("refused names", () => {
  const cases = [...refused, ...picked()];

  it("are refused by the check", () => {
    for (const [name] of cases) expect(nameProblem(name, dependencyNames()), name).toMatch(/clashes/);
  });

  it("really break the build: each rendered past the check fails in dune", async () => {
    const [outside, inside] = forkyWorkDir(root, "names-refused-");
    const folders = cases.map(([name, template, variant]) => {
      const folder = `${name}-${template}${variant ? `-${variant}` : ""}`;
      mkdirSync(join(outside, folder));
      renderProject(
        { manifest: manifest(template, variant), names: projectNames(name), author: "A <a@example.com>" },
        join(outside, folder),
      );
      return folder;
    });
    const built = await buildAll(outside, inside, folders);
    for (const folder of folders) {
      expect(built[folder].exit, `${folder} built:\n${built[folder].log}`).not.toBe(0);
      expect(built[folder].log, folder).toMatch(BREAKS);
    }
  }, 1_800_000);
});

describe("accepted names", () => {
  // names the old hand list refused or nearly clash (Endianbytes is not EndianBytes)
  const accepted: [string, string, string | undefined][] = [
    ["test", "domains", undefined],
    ["config", "eio", undefined],
    ["pool", "threads", undefined],
    ["tasks", "compare", undefined],
    ["endianbytes", "lwt", undefined],
    ["queues", "domains", "domainslib"],
    ...(hasSources ? ([["jobs", "async", undefined]] as [string, string, undefined][]) : []),
  ];

  it("pass the check, and their projects build and test", async () => {
    const [outside, inside] = forkyWorkDir(root, "names-accepted-");
    const folders: string[] = [];
    for (const [name, template, variant] of accepted) {
      expect(nameProblem(name, dependencyNames()), name).toBeUndefined();
      const every = catalog.find((m) => m.name === template)?.approaches?.map((a) => a.name);
      const r = await runCli([
        join(outside, name),
        "-t",
        template,
        ...(variant ? ["--variant", variant] : []),
        ...(every ? ["--approaches", every.join(",")] : []),
        "--yes",
        "--no-git",
      ]);
      expect(r.exitCode, outputOf(r)).toBe(0);
      folders.push(name);
    }
    const built = await buildAll(outside, inside, folders, "dune build && dune test");
    for (const f of folders) expect(built[f].exit, `${f}:\n${built[f].log}`).toBe(0);
  }, 1_800_000);
});
