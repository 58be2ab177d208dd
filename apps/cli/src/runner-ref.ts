import type { ApiClient } from "@stratavore/api-client";
import { isActiveRunnerStatus, type Runner } from "@stratavore/contracts";
import { CliError, usageError } from "./cli-error.ts";
import { MIN_PREFIX, onlyMatch, PREFIX_MATCHES, PREFIX_RE, UUID_RE } from "./id-prefix.ts";

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
  const listed = await api.runners.list.query({ idPrefix: prefix, limit: PREFIX_MATCHES });
  const only = onlyMatch(listed, prefix, prefix, "runners");
  if (!only) throw new CliError("NOT_FOUND", `No runner id starts with '${prefix}'.`);
  return only;
}
