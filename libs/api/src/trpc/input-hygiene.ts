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
  const found = inputHygieneFinding(input);
  if (!found) return;
  throw new AppError("VALIDATION", found.message, { issues: [{ path: found.path, message: found.what }] });
}

/** As checkInputHygiene, answered rather than thrown (agent messages, whose refusals are acks): null when clean. */
export function inputHygieneFinding(input: unknown): { message: string; path: string; what: string } | null {
  const found = walk(input, 0, new WeakSet());
  if (!found) return null;
  const path = found.path.join(".");
  return { message: `Invalid input — ${path || "input"}: ${found.what}.`, path, what: found.what };
}

interface Finding {
  /** Built only on the way back up from a finding: a clean input (the usual case) allocates nothing. */
  path: (string | number)[];
  what: string;
}

/** `seen`: an object reached again by another path is not walked again (a decoder may share nodes). */
function walk(value: unknown, depth: number, seen: WeakSet<object>): Finding | null {
  if (typeof value === "string")
    return value.includes("\u0000") ? { path: [], what: "must not contain NUL characters" } : null;
  if (value === null || typeof value !== "object") return null;
  if (depth >= MAX_DEPTH) return { path: [], what: `is nested deeper than ${MAX_DEPTH} levels` };
  if (value instanceof Date || seen.has(value)) return null;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], depth + 1, seen);
      if (found) {
        found.path.unshift(i);
        return found;
      }
    }
    return null;
  }
  for (const [key, v] of Object.entries(value)) {
    if (key.includes("\u0000") || FORBIDDEN_KEYS.has(key)) return { path: [], what: "has a forbidden key" };
    const found = walk(v, depth + 1, seen);
    if (found) {
      found.path.unshift(key);
      return found;
    }
  }
  return null;
}
