import { describe, expect, it } from "vitest";
import { procedureInputs, type JsonSchema } from "../app/procedure-schemas.ts";

/** Every field a client sends has a bound: strings a length, arrays a count, numbers a maximum. */
function unbounded(s: JsonSchema, path: string, out: string[]): string[] {
  // A pattern with only bounded repeats ({0,62}) bounds the length as surely as maxLength does.
  const boundedPattern = s.pattern !== undefined && !/(?<!\\)[*+]|\{\d+,\}/.test(s.pattern);
  const fixed = s.const !== undefined || s.enum !== undefined || s.format === "uuid" || boundedPattern;
  if (s.type === "string" && !fixed && s.maxLength === undefined) out.push(`${path}: string`);
  if (s.type === "array" && s.maxItems === undefined) out.push(`${path}: array`);
  if ((s.type === "integer" || s.type === "number") && s.maximum === undefined && s.exclusiveMaximum === undefined)
    out.push(`${path}: number`);
  for (const [k, v] of Object.entries(s.properties ?? {})) unbounded(v, `${path}.${k}`, out);
  if (s.items) unbounded(s.items, `${path}[]`, out);
  for (const u of s.anyOf ?? []) unbounded(u, path, out);
  return out;
}

describe("input limits", () => {
  it("bound every string, array and number of every procedure's input", () => {
    const procedures = procedureInputs();
    const found = procedures.flatMap(({ path, input }) => unbounded(input, path, []));
    expect(procedures.length).toBeGreaterThan(50);
    expect(found).toEqual([]);
  });
});
