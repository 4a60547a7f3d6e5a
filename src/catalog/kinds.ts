/** The kinds of approach, for the catalog and the systems list alike (both group by them). */
export const KINDS = ["io-concurrency", "multicore", "distributed"] as const;
export type Kind = (typeof KINDS)[number];
