/** Small checks for JSON read at load time: each returns what was expected, or undefined when it fits. */
export type Check = (value: unknown) => string | undefined;
export const str: Check = (v) => (typeof v === "string" && v.trim() !== "" ? undefined : "a non-empty string");
export const strList: Check = (v) => (Array.isArray(v) && v.every((x) => str(x) === undefined) ? undefined : "a list of non-empty strings");
export const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined ? undefined : check(v);
export const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    values.includes(v as string) ? undefined : `one of ${values.join(", ")}`;
export const pattern =
  (re: RegExp, what: string): Check =>
  (v) =>
    typeof v === "string" && re.test(v) ? undefined : what;
export const record =
  (fields: Record<string, Check>): Check =>
  (v) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return "an object";
    for (const [key, check] of Object.entries(fields)) {
      const problem = check((v as Record<string, unknown>)[key]);
      if (problem) return `${key}: ${problem}`;
    }
    const unknown = Object.keys(v).find((k) => !(k in fields));
    return unknown ? `${unknown}: not a known field` : undefined;
  };
export const listOf =
  (check: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return "a list";
    for (const [i, x] of v.entries()) {
      const problem = check(x);
      if (problem) return `[${i}] ${problem}`;
    }
    return undefined;
  };

export const dictOf =
  (check: Check): Check =>
  (v) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return "an object";
    for (const [key, x] of Object.entries(v)) {
      const problem = check(x);
      if (problem) return `${key}: ${problem}`;
    }
    return undefined;
  };
