import type { ApiClient } from "@stratavore/api-client";
import { isActiveRunnerStatus, type Runner } from "@stratavore/contracts";
import { CliError, usageError } from "./cli-error.ts";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MIN_PREFIX = 6;
const PREFIX_RE = new RegExp(`^[0-9a-f][0-9a-f-]{${MIN_PREFIX - 1},35}$`);
/** Enough matches to say which ones when a prefix is ambiguous. */
const PREFIX_MATCHES = 6;

export const RUNNER_ARG_HELP = `runner id, or a unique prefix of at least ${MIN_PREFIX} characters`;

export const shortId = (id: string) => id.slice(0, 8);

/** Ended for good: not active, and no `--resume` relaunch scheduled (a pending restart reuses the runner). */
export const hasEnded = (r: Runner) => !isActiveRunnerStatus(r.status) && !r.nextRestartAt;

/** A full id is used as is (the server says NOT_FOUND); a prefix is resolved by the server among all runners. */
export async function resolveRunnerId(api: ApiClient, ref: string): Promise<string> {
  const id = ref.trim().toLowerCase();
  return UUID_RE.test(id) ? id : (await matchPrefix(api, id)).id;
}

/** The runner itself, for commands that need its state anyway. */
export async function resolveRunner(api: ApiClient, ref: string): Promise<Runner> {
  const id = ref.trim().toLowerCase();
  return UUID_RE.test(id) ? api.runners.get.query({ id }) : matchPrefix(api, id);
}

async function matchPrefix(api: ApiClient, prefix: string): Promise<Runner> {
  if (!PREFIX_RE.test(prefix))
    throw usageError(
      `'${prefix}' is not a runner id; pass the full id or at least its first ${MIN_PREFIX} characters.`,
    );
  // Filtered here too: a server older than idPrefix ignores it and lists its newest runners.
  const matches = (await api.runners.list.query({ idPrefix: prefix, limit: PREFIX_MATCHES })).filter((r) =>
    r.id.startsWith(prefix),
  );
  const [only] = matches;
  if (!only) throw new CliError("NOT_FOUND", `No runner id starts with '${prefix}'.`);
  if (matches.length > 1) {
    const ids = matches
      .slice(0, 5)
      .map((r) => r.id.slice(0, prefix.length + 4))
      .join(", ");
    throw new CliError(
      "AMBIGUOUS",
      `'${prefix}' matches ${matches.length > 5 ? "more than 5" : matches.length} runners (${ids}${matches.length > 5 ? ", …" : ""}); type more of the id.`,
    );
  }
  return only;
}
