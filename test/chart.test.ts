/**
 * The compare bench's chart, looked at for real: a generated compare project is built and
 * benched on every workload in the forky toolchain (with one approach that answers wrong, as a
 * user's new approach might), and headless Chromium (Debian's) renders the SVG it wrote, one
 * panel per workload, light and dark.
 * What the browser laid out and painted is checked, not only the XML.
 */

import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTemplate, loadCatalog } from "../src/catalog/catalog.js";
import { outputOf, repo, runCli } from "./helpers/cli.js";
import { forkyHasSources, forkyRoot, forkyWorkDir, inForky, removeForkyWorkDirs } from "./helpers/forky.js";

const chromium = await execa("chromium", ["--version"], { reject: false });
const why = chromium.exitCode !== 0 ? "Debian's chromium is not installed (.ci/run installs it)" : undefined;
if (why) console.warn(`chart: skipped: ${why}`);

const root = forkyRoot();
afterAll(removeForkyWorkDirs);

/** What test/helpers/chart-check.html measured of `svg` in Chromium. */
async function look(svg: string, dark: boolean) {
  const page = `file://${join(repo, "test/helpers/chart-check.html")}#${encodeURIComponent(svg)}`;
  const scheme = dark ? ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"] : [];
  const r = await execa(
    "chromium",
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--allow-file-access-from-files",
      "--virtual-time-budget=10000",
      ...scheme,
      "--dump-dom",
      page,
    ],
    { reject: false, timeout: 90_000 },
  );
  const json = r.stdout.match(/<pre id="result">(.*)<\/pre>/s)?.[1];
  expect(json, `chromium printed no result (exit ${r.exitCode}):\n${r.stderr.slice(-2000)}`).toBeTruthy();
  return JSON.parse(
    json!
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&"),
  ) as {
    width: number;
    height: number;
    clipped: string[];
    series: { approach: string; workload: string; colour: string; width: number; points: number; wrong: number; pixels: number }[];
    texts: string[];
    dark: boolean;
    /** The text colour, as CSS computes it. */
    ink: string;
    background: number[];
  };
}

let project = "";

const WORKLOADS = ["collatz", "allocation", "data", "small-tasks"];

describe.skipIf(why)("the compare bench's chart", () => {
  const catalog = loadCatalog();
  let approaches: string[] = [];
  let collatzOnly: string[] = [];
  let svg = "";
  let bench = "";

  beforeAll(async () => {
    const programs = await forkyHasSources();
    approaches = catalog
      .find((m) => m.name === "compare")!
      .approaches!.filter((a) => programs || !a.program)
      .map((a) => a.name);
    // a program whose command names no WORKLOAD runs collatz only
    collatzOnly = catalog
      .find((m) => m.name === "compare")!
      .approaches!.filter((a) => a.program && !a.program.command.includes("WORKLOAD"))
      .map((a) => a.name);
    findTemplate(catalog, "compare", undefined, approaches); // the choice is valid
    const [outside, inside] = forkyWorkDir(root, "chart-");
    project = `${inside}/proj`;
    const r = await runCli([
      join(outside, "proj"),
      "--template",
      "compare",
      "--approaches",
      approaches.join(","),
      "--yes",
      "--no-git",
      "--name",
      "starter",
    ]);
    expect(r.exitCode, outputOf(r)).toBe(0);
    // an approach that answers wrong, added the way the project's README says to add one
    appendFileSync(
      join(outside, "proj/approaches/all_approaches.ml"),
      '\nlet all = all @ [ ("wrong", Library (module struct let name = "off by one" type t = unit let default_workers () = 1 let with_workers ~workers:_ f = f () let sum () ~n = Starter.Workload.sequential n + 1 let map_reduce () ~work ~combine init inputs = List.fold_left (fun acc x -> combine acc (work x)) init (List.tl inputs) end : APPROACH)) ]\n',
    );
    const run = await inForky(
      `cd ${inside}/proj && dune build 2>&1 && ./_build/default/bin/bench.exe -n 100000 -w 2 -r 1 --workload all --csv --svg chart.svg 2>&1`,
    );
    bench = run.all ?? "";
    // a wrong answer fails the bench, and the chart is written all the same
    expect(run.exitCode, bench).toBe(1);
    expect(bench).toContain("chart: chart.svg");
    svg = `${outside}/proj/chart.svg`;
  }, 900_000);

  it("shows a panel per workload with every approach's line in one colour each, the ideal, labelled axes and the run's caption, clips nothing, and marks the wrong answers", async () => {
    const seen = await look(svg, false);
    expect(seen.clipped).toEqual([]);
    const runs = (w: string) => [...approaches.filter((a) => w === "collatz" || !collatzOnly.includes(a)), "wrong"];
    expect(seen.series.map((s) => `${s.workload}/${s.approach}`)).toEqual(WORKLOADS.flatMap((w) => runs(w).map((a) => `${w}/${a}`)));
    for (const s of seen.series) {
      expect(s.width, s.approach).toBeGreaterThan(60); // a line across 1..2 workers
      expect(s.pixels, `${s.approach}: its colour on the picture`).toBeGreaterThan(50);
    }
    // an approach has one colour on every panel, and no two approaches share one
    const colours = new Map(seen.series.map((s) => [s.approach, s.colour]));
    for (const s of seen.series) expect(s.colour, s.approach).toBe(colours.get(s.approach));
    expect(new Set(colours.values()).size).toBe(colours.size);
    expect(seen.series.filter((s) => s.wrong > 0).map((s) => s.approach)).toEqual(WORKLOADS.map(() => "wrong"));
    for (const s of seen.series.filter((s) => s.approach === "wrong")) expect(s.points).toBe(0); // crosses, not dots
    for (const w of WORKLOADS) expect(seen.texts.some((t) => t.startsWith(`${w} (sequential `))).toBe(true);
    expect(seen.texts).toEqual(
      expect.arrayContaining([
        "workers (domains, processes or ranks)",
        "speedup (sequential time / time)",
        "ideal (linear)",
        "wrong ✗ wrong",
      ]),
    );
    expect(seen.texts.join("\n")).toMatch(/n = 100000, fastest of 1 run, \d+ cores, \d{4}-\d\d-\d\d/);
    expect(seen.texts.filter((t) => t === "0x")).toHaveLength(WORKLOADS.length); // a speedup axis per panel
    expect(seen.background).toEqual([255, 255, 255]);
    expect(seen.ink).toBe("rgb(36, 41, 47)");
    // the same numbers as the table: each legend gives the speedup at the most workers on each workload
    const rows = bench
      .split("\n")
      .map((l) => l.split(","))
      .filter((c) => c.length === 7 && c[0] !== "workload");
    expect(new Set(rows.map((c) => c[0]))).toEqual(new Set(WORKLOADS));
    for (const a of approaches) {
      const last = WORKLOADS.flatMap((w) => rows.filter((c) => c[0] === w && c[1] === a).slice(-1));
      expect(
        last.every((c) => c[2] === "2"),
        a,
      ).toBe(true);
      const legend = seen.texts[seen.texts.indexOf(a) + 1].split(" · ");
      expect(legend.length, a).toBe(last.length);
      for (const [i, c] of last.entries()) expect(Number(legend[i].replace(/x$/, "")), `${a} ${c[0]}`).toBeCloseTo(Number(c[4]), 1);
    }
  }, 120_000);

  it("a chart path that cannot be written, and repeated or contradicting flags, are refused before anything is measured", async () => {
    const cases = [
      "--svg /nonexistent/x.svg",
      "--svg /tmp",
      "--svg ''",
      "--svg --no-svg",
      "--csv --markdown",
      "-n 5 -n 6",
      "--svg a.svg --svg b.svg",
      "-w 100000",
      "--workload nope",
      "--csv --json",
    ];
    const r = await inForky(
      [
        `cd ${project}`,
        ...cases.map((c) => `./_build/default/bin/bench.exe ${c} > out.txt 2>&1; echo "[$?] $(head -c 300 out.txt | tr '\\n' ' ')"`),
      ].join("\n"),
    );
    const lines = String(r.stdout).trim().split("\n");
    expect(lines, r.all).toHaveLength(cases.length);
    for (const [i, line] of lines.entries()) {
      expect(line, cases[i]).toMatch(/^\[2\] /);
      expect(line, cases[i]).not.toContain("workload:"); // nothing ran
    }
    expect(lines[0]).toContain("bench: --svg /nonexistent/x.svg: cannot write it");
    expect(lines[3]).toMatch(/--svg is given more than once|--svg and --no-svg contradict each other/);
    expect(lines[4]).toContain("--csv and --markdown contradict each other");
    expect(lines[7]).toMatch(/bench: -w 100000: at most \d+ here \(4 x the \d+ cores/);
    expect(lines[8]).toContain("--workload nope: no such workload (collatz, allocation, data, small-tasks, or all)");
    expect(lines[9]).toContain("--csv and --json contradict each other");
    // a full disk shows when the chart is written: exit 1, said, the table printed before it
    const full = await inForky(`cd ${project} && ./_build/default/bin/bench.exe -n 1000 -w 1 -r 1 --csv --svg /dev/full 2>&1; echo "[$?]"`);
    expect(full.all).toContain("bench: writing the chart to /dev/full failed");
    expect(full.all).toContain("approach,workers,seconds");
    expect(full.all).toMatch(/\[1\]\s*$/);
  }, 120_000);

  it("--json prints multicore-bench's current-bench shape: a benchmark per workload, a time and a speedup metric per row", async () => {
    const r = await inForky(
      `cd ${project} && ./_build/default/bin/bench.exe -n 2000 -w 2 -r 1 --workload small-tasks --workload collatz --json --no-svg 2>/dev/null`,
    );
    expect(r.exitCode, r.all).toBe(1); // the wrong approach
    const json = JSON.parse(String(r.stdout)) as {
      results: { name: string; metrics: { name: string; value: number; units: string; trend: string; description: string }[] }[];
    };
    expect(json.results.map((b) => b.name)).toEqual(["compare/small-tasks", "compare/collatz"]);
    for (const b of json.results) {
      for (const m of b.metrics) {
        expect(Object.keys(m)).toEqual(["name", "value", "units", "trend", "description"]);
        expect(m.value).toBeGreaterThan(0);
      }
      const names = b.metrics.map((m) => m.name);
      expect(names[0]).toBe("time/sequential");
      expect(names).toEqual(expect.arrayContaining(["time/domains, 2 workers", "speedup/domains, 1 worker"]));
      expect(b.metrics.find((m) => m.name === "time/domains, 2 workers")).toMatchObject({ units: "s", trend: "lower-is-better" });
      expect(b.metrics.find((m) => m.name === "speedup/domains, 2 workers")).toMatchObject({ units: "x", trend: "higher-is-better" });
      expect(names.some((n) => n.includes("wrong"))).toBe(false); // a wrong answer has no metric
    }
  }, 120_000);

  it("reads in dark mode: dark background, light text, every line still there", async () => {
    const seen = await look(svg, true);
    expect(seen.dark).toBe(true);
    expect(Math.max(...seen.background)).toBeLessThan(60);
    expect(seen.ink).toBe("rgb(230, 237, 243)");
    for (const s of seen.series) expect(s.pixels, s.approach).toBeGreaterThan(50);
    expect(readFileSync(svg, "utf8")).toMatch(/@media \(prefers-color-scheme: dark\)/);
  }, 120_000);
});
