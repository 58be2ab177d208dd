import { InvalidArgumentError } from "commander";
import type { BUDGET_SCOPES } from "@stratavore/contracts";

export interface ScopeArg {
  scope: (typeof BUDGET_SCOPES)[number];
  scopeRef?: string;
}

export const SCOPE_HELP = "global, project:<name or id> or runner:<id>";

/** `global`, `project:web`, `runner:1a2b…` → the contract's scope and scopeRef. */
export function scopeArg(value: string): ScopeArg {
  const text = value.trim();
  if (text === "global") return { scope: "global" };
  const m = /^(project|runner):(.+)$/.exec(text);
  const ref = m?.[2]?.trim();
  if (!m || !ref) throw new InvalidArgumentError(`Expected ${SCOPE_HELP}.`);
  return { scope: m[1] as "project" | "runner", scopeRef: ref };
}

/** A token limit: a whole number ≥ 1, with an optional k/M/B suffix (2.5M). */
export function tokensArg(value: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmb])?$/i.exec(value.trim().replace(/[_,]/g, ""));
  const factor = { k: 1e3, m: 1e6, b: 1e9 }[(m?.[2] ?? "").toLowerCase() as "k" | "m" | "b"] ?? 1;
  // A fraction only with a suffix: 2.5M is a count of tokens, 1.5 is not.
  const n = m && (m[2] || !m[1]?.includes(".")) ? Math.round(Number(m[1]) * factor) : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError("Expected a whole number of tokens of at least 1 (e.g. 500000 or 2.5M).");
  return n;
}

/** A USD limit: a positive amount, with or without a leading $. */
export function usdArg(value: string): number {
  const text = value.trim().replace(/^\$/, "");
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(n > 0) || n > 1_000_000_000)
    throw new InvalidArgumentError("Expected a positive amount of US dollars (e.g. 25 or 12.50).");
  return n;
}

/**
 * For `budget edit`: `none` removes the limit; anything else is parsed as usual. (Commander
 * turns a parser's null into '', hence the marker; `limitOrNull` makes it the contract's null.)
 */
export const NONE = "none";
export const orNone =
  <T>(parse: (v: string) => T) =>
  (value: string): T | typeof NONE =>
    value.trim().toLowerCase() === NONE ? NONE : parse(value);
export const limitOrNull = <T>(v: T | typeof NONE | undefined): T | null | undefined => (v === NONE ? null : v);

export function percentArg(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 100)) throw new InvalidArgumentError("Expected a whole percentage from 1 to 100.");
  return n;
}
