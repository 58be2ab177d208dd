import { CliError } from "./cli-error.ts";
import type { Connection } from "./session.ts";

/**
 * A request to one of the server's plain HTTP routes (transcript upload, backup) with the
 * login's token. Unreachable servers and refusals become CliErrors carrying the server's code.
 */
export async function plainRequest(conn: Connection, path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(`${conn.server}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${conn.token}` },
    });
  } catch (err) {
    throw new CliError(
      "UNREACHABLE",
      `Cannot reach ${conn.server}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (res.ok) return res;
  const answer = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  throw new CliError(
    answer?.error?.code ?? "INTERNAL",
    answer?.error?.message ?? `The server answered ${res.status} to ${init.method ?? "GET"} ${path}.`,
  );
}
