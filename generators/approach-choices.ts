/**
 * The approach list of `create` and `add`, the one decision that matters: grouped by kind
 * (I/O concurrency, multicore, distributed), a line per approach, and for the focused one its
 * whole summary and what its kind is for (the prompt shows a choice's `description` under the
 * list: src/cli/lazy-inquirer.ts), as sv shows its hints. Data only: no file-system code.
 */
import { KIND_TEXT, KINDS, type Template } from "../src/catalog/catalog.js";

/** A choice as inquirer takes it; a separator (a group's heading) is `{ type: "separator", line }`. */
export type Choice = { name: string; value: string; short: string; description: string } | { type: "separator"; line: string };

/**
 * The choices, each kind under its heading. `cannot(name)`: why an approach cannot be built
 * here (marked ✗, the reason in its description), or undefined.
 */
export function approachChoices(templates: Template[], cannot: (name: string) => string | undefined = () => undefined): Choice[] {
  const width = Math.max(...templates.map((m) => m.name.length));
  const floor = Math.max(...templates.map((m) => m.ocaml.length));
  return KINDS.flatMap((kind) => {
    const ofKind = templates.filter((m) => m.kind === kind);
    if (!ofKind.length) return [];
    return [
      { type: "separator" as const, line: `${KIND_TEXT[kind].title}:` },
      ...ofKind.map((m) => {
        const why = cannot(m.name);
        return {
          // what tells the approaches apart first: the summary last, as the prompt cuts lines to the terminal's width
          name: `${m.name.padEnd(width)}  OCaml ≥ ${m.ocaml.padEnd(floor)} ${why ? "✗" : " "} ${m.summary}`,
          value: m.name,
          short: m.name,
          description: [
            `${m.summary}.`,
            `${KIND_TEXT[kind].title}: ${KIND_TEXT[kind].for}.`,
            ...(why ? [`✗ Cannot be built here as it is: ${why}.`] : []),
          ].join("\n"),
        };
      }),
    ];
  });
}

/** How many lines the list takes: every choice and heading on screen at once (inquirer pages more than 7). */
export const choiceRows = (templates: Template[]) => templates.length + new Set(templates.map((m) => m.kind)).size;
