/** The kinds of approach, for the catalog and the systems list alike (both group by them). */
export const KINDS = ["io-concurrency", "multicore", "distributed"] as const;
export type Kind = (typeof KINDS)[number];

/** Each kind's heading in the lists, and what its approaches are for (shown with the focused one at the prompt). */
export const KIND_TEXT: Record<Kind, { title: string; for: string }> = {
  "io-concurrency": {
    title: "I/O concurrency",
    for: "many connections, requests or timers at once, interleaved on one core: servers, clients, pipelines",
  },
  multicore: { title: "Multicore", for: "CPU work split across the cores of one machine, in shared memory or in forked processes" },
  distributed: { title: "Distributed", for: "work spread over processes or machines that exchange messages" },
};
