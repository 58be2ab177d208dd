import { AppError } from "@stratavore/contracts";

/** Deeper than any contract nests; a deeper input is an attack on the parser, not a request. */
const MAX_DEPTH = 20;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * What every procedure's input must satisfy before its own schema sees it: no NUL character in
 * any string or key (PostgreSQL text cannot store one, and no name, path or prompt needs it),
 * no prototype-polluting keys, bounded depth. Checked once here rather than on each of the
 * hundred string fields, so a new field cannot forget it. Throws VALIDATION naming the field.
 */
export function checkInputHygiene(input: unknown): void {
  walk(input, [], 0);
}

function walk(value: unknown, path: (string | number)[], depth: number): void {
  if (typeof value === "string") {
    if (value.includes("\u0000")) refuse(path, "must not contain NUL characters");
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (depth >= MAX_DEPTH) refuse(path, `is nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, [...path, i], depth + 1));
    return;
  }
  if (value instanceof Date) return;
  for (const [key, v] of Object.entries(value)) {
    if (key.includes("\u0000") || FORBIDDEN_KEYS.has(key)) refuse(path, `has a forbidden key`);
    walk(v, [...path, key], depth + 1);
  }
}

function refuse(path: (string | number)[], what: string): never {
  const where = path.length ? path.join(".") : "input";
  throw new AppError("VALIDATION", `Invalid input — ${where}: ${what}.`, {
    issues: [{ path: path.join("."), message: what }],
  });
}
