import { createApiClient, type ApiClient } from "@stratavore/api-client";
import { CliError, usageError } from "./cli-error.ts";
import { readLogin } from "./config-store.ts";
import type { CliEnv } from "./env.ts";

/** A request that hangs this long is treated like a server that cannot be reached. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface Connection {
  server: string;
  token: string;
}

/** Accepts only http(s) URLs, so a typo fails here rather than as a confusing fetch error. */
export function normaliseServerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`'${raw}' is not a URL; expected something like http://127.0.0.1:3000`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw usageError(`'${raw}' must start with http:// or https://`);
  return url.href.replace(/\/+$/, "");
}

/** Environment overrides win over the stored login, one field at a time. */
export async function resolveConnection(env: CliEnv): Promise<Connection> {
  const stored = env.server && env.token ? null : await readLogin(env.configDir);
  const server = env.server ?? stored?.server;
  const token = env.token ?? stored?.token;
  if (!server || !token) {
    throw new CliError("NOT_LOGGED_IN", "Not logged in; run 'stratavore login --server URL --token TOKEN' first.");
  }
  return { server: normaliseServerUrl(server), token };
}

const fetchWithTimeout: typeof fetch = async (input, init) => {
  try {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    return await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  } catch (err) {
    // describeError recognises "fetch failed" as UNREACHABLE; a timeout deserves the same code.
    if ((err as Error).name === "TimeoutError")
      throw new Error(`fetch failed: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
    throw err;
  }
};

export function clientFor(conn: Connection): ApiClient {
  return createApiClient({ serverUrl: conn.server, token: conn.token, fetch: fetchWithTimeout });
}

export async function connect(env: CliEnv): Promise<ApiClient> {
  return clientFor(await resolveConnection(env));
}
