import fc from "fast-check";
import type { JsonSchema } from "@stratavore/api";

/** Arrays stay short: the point is the shapes and the values, not volume. */
const MAX_ITEMS = 4;

/**
 * Values a schema accepts, drawn by fast-check: what a well-behaved client could send. Unknown
 * or unrepresentable parts (dates, `{}`) draw any JSON value, which is hostile enough.
 */
export function validArbitrary(s: JsonSchema): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const union = s.anyOf ?? s.oneOf;
  if (union) return fc.oneof(...union.map(validArbitrary));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "object": {
      const props = Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, validArbitrary(v)]));
      return fc.record(props, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    case "array":
      return fc.array(validArbitrary(s.items ?? {}), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? MAX_ITEMS, MAX_ITEMS)),
      });
    case "string":
      return stringArbitrary(s);
    case "integer":
      return fc.integer({ min: bound(s.minimum ?? s.exclusiveMinimum, -1e6), max: bound(s.maximum, 1e9) });
    case "number":
      return fc.double({
        min: s.minimum ?? s.exclusiveMinimum ?? -1e6,
        max: s.maximum ?? 1e9,
        minExcluded: s.exclusiveMinimum !== undefined,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.date().map((d) => d.toISOString()),
      );
  }
}

const bound = (v: number | undefined, fallback: number) =>
  Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, v ?? fallback));

function stringArbitrary(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === "uuid") return fc.uuid();
  if (s.format === "email") return fc.emailAddress();
  if (s.format === "date-time") return fc.date({ min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString());
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((v) => fits(v, s));
  return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) });
}

const fits = (v: string, s: JsonSchema) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity);

/** Values nobody should send: what an attacker (or a broken client) does. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string().map((v) => `${v}\u0000${v}`),
  fc.constantFrom(
    "x".repeat(200_000),
    "\u0000",
    "-271821-04-20",
    "+275760-09-13T00:00:00Z",
    "0000-00-00",
    "../../../../etc/passwd",
    "' OR 1=1 --",
    "%00",
    "\u202e\u200b",
  ),
  fc.constantFrom(2 ** 64, 1e308, -1e308, -1, 0, 2 ** 31, 2 ** 53, -(2 ** 63), 0.1 + 0.2, 1e-320),
  fc.constantFrom(true, null, [], {}, [[[[]]]]),
  fc.constant(deep(60)),
  fc.constant(JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}') as unknown),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 100, maxLength: 300 }),
);

function deep(n: number): unknown {
  let v: unknown = "bottom";
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

/**
 * A valid input with hostile values put in: one field replaced (the usual case), the whole
 * input replaced, or an unknown key added.
 */
export function hostileArbitrary(s: JsonSchema): fc.Arbitrary<unknown> {
  const keys = Object.keys(s.properties ?? {});
  const replaced = keys.length
    ? fc
        .tuple(validArbitrary(s), fc.constantFrom(...keys), hostileValue)
        .map(([valid, key, bad]) => ({ ...(valid as object), [key]: bad }))
    : hostileValue;
  return fc.oneof(
    { weight: 4, arbitrary: replaced },
    { weight: 1, arbitrary: hostileValue },
    {
      weight: 1,
      arbitrary: fc
        .tuple(validArbitrary(s), hostileValue)
        .map(([valid, bad]) => (typeof valid === "object" && valid ? { ...valid, unexpected: bad } : bad)),
    },
  );
}
