import { CliError } from "./cli-error.ts";

/** Runner and session ids are uuids; tables show their first 8 characters. */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MIN_PREFIX = 6;
export const PREFIX_RE = new RegExp(`^[0-9a-f][0-9a-f-]{${MIN_PREFIX - 1},35}$`);
/** What to ask the server for: enough matches to say which ones when a prefix is ambiguous. */
export const PREFIX_MATCHES = 6;

/**
 * The one row the server listed for an id prefix, or null for none; more than one is AMBIGUOUS
 * (`ref` is what the user typed, `noun` what the rows are). The rows are filtered here too: a
 * server older than `idPrefix` ignores it and lists its newest rows instead.
 */
export function onlyMatch<T extends { id: string }>(listed: T[], prefix: string, ref: string, noun: string): T | null {
  const matches = listed.filter((r) => r.id.toLowerCase().startsWith(prefix));
  if (matches.length > 1) {
    const ids = matches
      .slice(0, 5)
      .map((r) => r.id.slice(0, prefix.length + 4))
      .join(", ");
    throw new CliError(
      "AMBIGUOUS",
      `'${ref}' matches ${matches.length > 5 ? "more than 5" : matches.length} ${noun} (${ids}${matches.length > 5 ? ", …" : ""}); type more of the id.`,
    );
  }
  return matches[0] ?? null;
}
