import { createReadStream } from "node:fs";
import { pipeline, Readable } from "node:stream";
import { constants, createGzip } from "node:zlib";
import { isLoopback } from "./loopback.ts";
import { plainRequest } from "./plain-http.ts";
import type { Connection } from "./session.ts";

/**
 * One transcript file (or what follows `from` in it) to the server's archive (POST /api/import/transcript),
 * streamed as it is read. To another machine it is gzip-compressed (transcripts are JSON text
 * and shrink several times even at the fastest level); to this one it goes as it is, since
 * compressing would only spend both processes' CPU (300 MB: ~1.5 s here, ~1 s in the
 * server). A refusal keeps the server's code.
 */
export async function uploadTranscript(
  conn: Connection,
  sessionId: string,
  file: string,
  path: string,
  /** From this byte on: what was appended since an earlier upload of the file. */
  from = 0,
): Promise<void> {
  const source = createReadStream(path, { start: from });
  // A file that cannot be read fails the upload with its own reason, not as an unreachable server.
  let readError: Error | null = null;
  source.on("error", (err) => (readError = err));
  const compress = !isLoopback(conn.server);
  // pipeline, not pipe: a read error ends the compressed body too (else the request would wait
  // for bytes that never come), and a cancelled body closes the file.
  const body = compress ? pipeline(source, createGzip({ level: constants.Z_BEST_SPEED }), () => undefined) : source;
  await plainRequest(
    conn,
    `/api/import/transcript?session=${encodeURIComponent(sessionId)}&file=${encodeURIComponent(file)}&offset=${from}`,
    {
      method: "POST",
      body: Readable.toWeb(body) as ReadableStream<Uint8Array>,
      duplex: "half", // a streamed body (Node's fetch requires saying so)
      headers: { "content-type": "application/x-ndjson", ...(compress ? { "content-encoding": "gzip" } : {}) },
    } as RequestInit & { duplex: "half" },
  ).catch((err: unknown) => {
    throw readError ?? err;
  });
}
