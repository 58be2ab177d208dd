import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { CliError } from "./cli-error.ts";
import type { Connection } from "./session.ts";

const gzipped = promisify(gzip);

/**
 * One transcript file to the server's archive (POST /api/import/transcript), gzip-compressed:
 * transcripts are JSON text and shrink about tenfold. A refusal keeps the server's code.
 */
export async function uploadTranscript(conn: Connection, sessionId: string, file: string, path: string): Promise<void> {
  const body = await gzipped(await readFile(path));
  const url = `${conn.server}/api/import/transcript?session=${encodeURIComponent(sessionId)}&file=${encodeURIComponent(file)}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      body,
      headers: {
        authorization: `Bearer ${conn.token}`,
        "content-type": "application/x-ndjson",
        "content-encoding": "gzip",
      },
    });
  } catch (err) {
    throw new CliError(
      "UNREACHABLE",
      `Cannot reach ${conn.server}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (res.ok) return;
  const answer = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  throw new CliError(
    answer?.error?.code ?? "INTERNAL",
    answer?.error?.message ?? `The server answered ${res.status} to a transcript upload.`,
  );
}
