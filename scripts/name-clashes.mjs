// What a project may not be called, as the real toolchain says, recorded in
// templates/name-clashes.json for src/names.ts. For each template (and variant;
// compare with every approach) this generates the project with the built CLI
// inside the forky chroot (scripts/forky-toolchain.sh), reads the dune libraries,
// ppx rewriters, opam packages, libraries, executables and modules its dune
// files, .opam and sources name, then asks the chroot's ocamlfind for every library they pull in
// (`ocamlfind query -r`; a rewriter's own closure with the ppx_driver predicate)
// and ocamlobjinfo for the top-level modules of every archive linked into the
// project's programs, the standard library's included.
//
// It runs the built CLI (npm run build first) and the chroot (npm run toolchain; async,
// rpc-parallel and mpi need its source folder too, see scripts/forky-toolchain.sh).
//
//   node scripts/name-clashes.mjs           rewrites templates/name-clashes.json
//   node scripts/name-clashes.mjs --check   exits 1 when the file differs from what the toolchain says now
//
// Re-run it when the chroot's OCaml, dune or libraries move (test/names-build.test.ts checks the file is current).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { catalog, cli, examples, root } from "./examples.mjs";
import { chrootWorkFolder } from "./opam-snapshot.mjs";

export const file = join(root, "templates/name-clashes.json");
const forky = (...args) =>
  execFileSync("bash", [join(root, "scripts/forky-toolchain.sh"), ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
/** The name the probe projects get: every name derived from it is the project's own, not a clash. */
const PROBE = "probe";

/** Every template and variant as the CLI generates it, compare with all its approaches. */
function cases() {
  const manifests = catalog();
  return examples(manifests).map(({ folder, manifest, args }) => {
    const approaches = manifest.approaches ? ["--approaches", manifest.approaches.map((a) => a.name).join(",")] : [];
    return { id: folder, args: [...args.slice(1, args.indexOf("--name")), ...approaches] };
  });
}

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) yield* files(join(dir, e.name));
    else yield join(dir, e.name);
  }
}

const atoms = (text, field) => [...text.matchAll(new RegExp(`\\(${field}\\s+([^()]*)\\)`, "g"))].flatMap((m) => m[1].trim().split(/\s+/));

/** What a generated project's dune files and sources say: the libraries it uses, its rewriters, and the names it defines. */
function readProject(dir) {
  const dunes = [...files(dir)].filter((f) => /(^|\/)dune$/.test(f)).map((f) => readFileSync(f, "utf8"));
  const local = new Set(dunes.flatMap((d) => [...d.matchAll(/\(library\s+\(name\s+([^()\s]+)\)/g)].map((m) => m[1])));
  const own = [
    ...dunes.flatMap((d) => atoms(d, "name")),
    ...[...files(dir)].filter((f) => f.endsWith(".ml")).map((f) => relative(dir, f).replace(/^.*\/|\.ml$/g, "")),
  ].filter((n) => !n.includes(PROBE));
  const external = (field) => [...new Set(dunes.flatMap((d) => atoms(d, field)))].filter((l) => !local.has(l)).sort();
  // the opam packages its .opam depends on: ocaml, dune and the template's
  const opam = readFileSync(join(dir, `${PROBE}.opam`), "utf8");
  const packages = [...(/^depends: \[\n([^\]]*)\]/m.exec(opam)?.[1] ?? "").matchAll(/^\s+"([^"]+)"/gm)].map((m) => m[1]).sort();
  return {
    packages,
    libraries: external("libraries"),
    rewriters: external("pps"),
    own: [...new Set(own.map((n) => n.toLowerCase()))].sort(),
  };
}

/** A bash script for the chroot printing `ID<TAB>KIND<TAB>VALUE` lines (KIND: library, unit, missing). */
function queries(projects) {
  const lines = [
    "set -u",
    'out() { while read -r v; do [ -n "$v" ] && printf \'%s\\t%s\\t%s\\n\' "$1" "$2" "$v"; done; }',
    // top-level compilation units of archives given as DIR<TAB>ARCHIVES lines
    "units() { while IFS=$'\\t' read -r d a; do for f in $a; do [ -f \"$d/$f\" ] && ocamlobjinfo \"$d/$f\" | sed -n 's/^Unit name: //p'; done; done; }",
    "std=$(ocamlfind ocamlc -where)",
    'printf "%s\\t%s\\n" "$std" "stdlib.cma std_exit.cmo" | units | out stdlib unit',
  ];
  for (const { id, libraries, rewriters } of projects) {
    const runtime = [...libraries, ...rewriters].join(" ");
    lines.push(
      `if ocamlfind query ${runtime} >/dev/null 2>&1; then`,
      `  ocamlfind query -r -format '%p' ${runtime} | out ${id} library`,
      ...(rewriters.length ? [`  ocamlfind query -r -predicates ppx_driver -format '%p' ${rewriters.join(" ")} | out ${id} library`] : []),
      `  ocamlfind query -r -predicates byte -format '%d\t%a' ${runtime} | units | out ${id} unit`,
      `else echo "${runtime}" | out ${id} missing; fi`,
    );
  }
  return lines.join("\n");
}

/** The clashes each template has now, by the toolchain; `missing` lists templates whose libraries the chroot lacks. */
export function current() {
  const chroot = forky("root").trim();
  const work = chrootWorkFolder(chroot, "name-clashes-");
  try {
    const projects = cases().map(({ id, args }) => {
      execFileSync(process.execPath, [cli, join(work, id), ...args, "--name", PROBE, "--yes", "--no-git"], { stdio: "ignore" });
      return { id, ...readProject(join(work, id)) };
    });
    writeFileSync(join(work, "query.sh"), queries(projects));
    const found = new Map(projects.map((p) => [p.id, { library: new Set(), unit: new Set(), missing: new Set() }]));
    found.set("stdlib", { library: new Set(["stdlib"]), unit: new Set(), missing: new Set() });
    for (const line of forky("run", "bash", `/${relative(chroot, work)}/query.sh`)
      .split("\n")
      .filter(Boolean)) {
      const [id, kind, value] = line.split("\t");
      found.get(id)[kind].add(value);
    }
    // a wrapped library's inner modules (lib__Mod) cannot clash; the standard library's are its modules (Stdlib__List is List)
    const modules = (units) =>
      [...units].filter((u) => !u.includes("__") || u.startsWith("Stdlib__")).map((u) => u.replace(/^Stdlib__/, ""));
    const stdlib = new Set(modules(found.get("stdlib").unit));
    const templates = {};
    const missing = [];
    for (const p of projects) {
      const f = found.get(p.id);
      if (f.missing.size) missing.push(`${p.id} (${[...f.missing].join(" ")})`);
      templates[p.id] = {
        packages: p.packages,
        libraries: [...f.library].sort(),
        modules: [...new Set(modules(f.unit))].filter((m) => !stdlib.has(m)).sort(),
        own: p.own,
      };
    }
    const version = (cmd) => forky("run", ...cmd).trim();
    return {
      data: {
        generated: "by scripts/name-clashes.mjs from the forky toolchain: do not edit, re-run it",
        toolchain: { ocaml: version(["ocamlc", "-vnum"]), dune: version(["dune", "--version"]) },
        stdlib: [...stdlib].sort(),
        templates,
      },
      missing,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export const serialise = (data) => `${JSON.stringify(data, null, 1)}\n`;

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { data, missing } = current();
  if (process.argv.includes("--check")) {
    const recorded = JSON.parse(readFileSync(file, "utf8"));
    // templates whose libraries the chroot lacks cannot be checked: they are named, and keep their record
    for (const m of missing) console.log(`not checked (libraries not installed): ${m}`);
    const checked = (d) => ({
      ...d,
      templates: Object.fromEntries(Object.entries(d.templates).filter(([id]) => !missing.some((m) => m.startsWith(`${id} `)))),
    });
    if (serialise(checked(data)) !== serialise(checked(recorded))) {
      for (const [id, now] of Object.entries(checked(data).templates))
        for (const [field, names] of Object.entries(now)) {
          const before = new Set(recorded.templates[id]?.[field] ?? []);
          const added = names.filter((n) => !before.has(n));
          const gone = [...before].filter((n) => !names.includes(n));
          if (added.length || gone.length)
            console.error(`${id} ${field}:${added.map((n) => ` +${n}`).join("")}${gone.map((n) => ` -${n}`).join("")}`);
        }
      console.error("templates/name-clashes.json is not what the toolchain says now: run npm run name-clashes");
      process.exit(1);
    }
    console.log("templates/name-clashes.json is current");
  } else {
    if (missing.length) {
      console.error(
        `the chroot lacks libraries of: ${missing.join("; ")}. Build them in (scripts/forky-toolchain.sh setup --sources DIR) first.`,
      );
      process.exit(1);
    }
    writeFileSync(file, serialise(data));
    console.log(`wrote ${relative(root, file)}`);
  }
}
