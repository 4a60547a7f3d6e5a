/**
 * The compare bench's chart, looked at for real: a generated compare project is built and
 * benched in the forky toolchain (with one approach that answers wrong, as a user's new
 * approach might), and headless Chromium (Debian's) renders the SVG it wrote, light and dark.
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
    series: { approach: string; width: number; points: number; wrong: number; pixels: number }[];
    texts: string[];
    dark: boolean;
    /** The text colour, as CSS computes it. */
    ink: string;
    background: number[];
  };
}

let project = "";

describe.skipIf(why)("the compare bench's chart", () => {
  const catalog = loadCatalog();
  let approaches: string[] = [];
  let svg = "";
  let bench = "";

  beforeAll(async () => {
    const programs = await forkyHasSources();
    approaches = catalog
      .find((m) => m.name === "compare")!
      .approaches!.filter((a) => programs || !a.program)
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
      '\nlet all = all @ [ ("wrong", Library (module struct let name = "off by one" type t = unit let default_workers () = 1 let with_workers ~workers:_ f = f () let sum () ~n = Starter.Workload.sequential n + 1 end : APPROACH)) ]\n',
    );
    const run = await inForky(
      `cd ${inside}/proj && dune build 2>&1 && ./_build/default/bin/bench.exe -n 100000 -w 2 -r 1 --csv --svg chart.svg 2>&1`,
    );
    bench = run.all ?? "";
    // a wrong answer fails the bench, and the chart is written all the same
    expect(run.exitCode, bench).toBe(1);
    expect(bench).toContain("chart: chart.svg");
    svg = `${outside}/proj/chart.svg`;
  }, 900_000);

  it("shows every approach's line, the ideal, labelled axes and the run's caption, clips nothing, and marks the wrong answers", async () => {
    const seen = await look(svg, false);
    expect(seen.clipped).toEqual([]);
    expect(seen.series.map((s) => s.approach)).toEqual([...approaches, "wrong"]);
    for (const s of seen.series) {
      expect(s.width, s.approach).toBeGreaterThan(100); // a line across 1..2 workers
      expect(s.pixels, `${s.approach}: its colour on the picture`).toBeGreaterThan(50);
    }
    expect(seen.series.filter((s) => s.wrong > 0).map((s) => s.approach)).toEqual(["wrong"]);
    expect(seen.series.find((s) => s.approach === "wrong")!.points).toBe(0); // crosses, not dots
    expect(seen.texts).toEqual(
      expect.arrayContaining([
        "workers (domains, processes or ranks)",
        "speedup (sequential time / time)",
        "ideal (linear)",
        "wrong ✗ wrong",
      ]),
    );
    expect(seen.texts.join("\n")).toMatch(/Collatz steps of 1\.\.100000, fastest of 1 run, \d+ cores, \d{4}-\d\d-\d\d/);
    expect(seen.texts).toEqual(expect.arrayContaining(["1x", "2x"]));
    expect(seen.background).toEqual([255, 255, 255]);
    expect(seen.ink).toBe("rgb(36, 41, 47)");
    // the same numbers as the table: each legend gives the last row's speedup
    const rows = bench
      .split("\n")
      .map((l) => l.split(","))
      .filter((c) => c.length === 6 && c[0] !== "approach");
    for (const a of approaches) {
      const last = rows.filter((c) => c[0] === a).at(-1)!;
      const legend = seen.texts[seen.texts.indexOf(a) + 1].match(/^([\d.]+)x at (\d+), (\d+)%$/);
      expect(legend, a).not.toBeNull();
      expect(Number(legend![1])).toBeCloseTo(Number(last[3]), 1);
      expect(legend![2]).toBe(last[1]);
      expect(Math.abs(Number(legend![3]) - Number(last[4]))).toBeLessThanOrEqual(1);
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
    // a full disk shows when the chart is written: exit 1, said, the table printed before it
    const full = await inForky(`cd ${project} && ./_build/default/bin/bench.exe -n 1000 -w 1 -r 1 --csv --svg /dev/full 2>&1; echo "[$?]"`);
    expect(full.all).toContain("bench: writing the chart to /dev/full failed");
    expect(full.all).toContain("approach,workers,seconds");
    expect(full.all).toMatch(/\[1\]\s*$/);
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
