import { describeError, type ApiClient } from "@stratavore/api-client";
import { CliError } from "./cli-error.ts";
import { MIN_PREFIX, onlyMatch, PREFIX_MATCHES, PREFIX_RE, UUID_RE } from "./id-prefix.ts";
import { resolveRunner, shortId } from "./runner-ref.ts";

export const SESSION_ARG_HELP = `session id, or a unique prefix of at least ${MIN_PREFIX} characters`;

const codeOf = (err: unknown) => (err instanceof CliError ? err.code : describeError(err).code);

/**
 * A full id is used as is (the server says NOT_FOUND); a prefix (what the table shows) is
 * resolved by the server among all sessions, and passed on unchanged when nothing matches.
 */
export async function resolveSessionId(api: ApiClient, ref: string): Promise<string> {
  const id = ref.trim();
  const lower = id.toLowerCase();
  if (UUID_RE.test(lower) || !PREFIX_RE.test(lower)) return id;
  const { sessions } = await api.sessions.list.query({ idPrefix: lower, sort: "recent", limit: PREFIX_MATCHES });
  return onlyMatch(sessions, lower, id, "sessions")?.id ?? id;
}

/** `export` takes a session or a runner: a session id first, else the session the runner is running. */
export async function resolveSessionOrRunner(api: ApiClient, ref: string): Promise<string> {
  try {
    const id = await resolveSessionId(api, ref);
    return (await api.sessions.get.query({ id })).id;
  } catch (err) {
    if (codeOf(err) !== "NOT_FOUND") throw err;
  }
  let runner;
  try {
    runner = await resolveRunner(api, ref);
  } catch (err) {
    // Not a runner either (or not even shaped like a runner id): one message for both.
    if (["NOT_FOUND", "USAGE", "VALIDATION"].includes(codeOf(err)))
      throw new CliError("NOT_FOUND", `No session or runner '${ref.trim()}'.`);
    throw err;
  }
  if (!runner.sessionId) throw new CliError("NOT_FOUND", `Runner ${shortId(runner.id)} has no session yet.`);
  return runner.sessionId;
}
