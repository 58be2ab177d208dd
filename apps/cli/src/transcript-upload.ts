import { open } from "node:fs/promises";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { plainRequest } from "./plain-http.ts";
import type { Connection } from "./session.ts";

const gzipped = promisify(gzip);

/**
 * One transcript file (or what follows `from` in it) to the server's archive (POST /api/import/transcript), gzip-compressed:
 * transcripts are JSON text and shrink about tenfold. A refusal keeps the server's code.
 */
export async function uploadTranscript(
  conn: Connection,
  sessionId: string,
  file: string,
  path: string,
  /** From this byte on: what was appended since an earlier upload of the file. */
  from = 0,
): Promise<void> {
  await plainRequest(
    conn,
    `/api/import/transcript?session=${encodeURIComponent(sessionId)}&file=${encodeURIComponent(file)}&offset=${from}`,
    {
      method: "POST",
      body: await gzipped(await readFrom(path, from)),
      headers: { "content-type": "application/x-ndjson", "content-encoding": "gzip" },
    },
  );
}

/** The file from byte `from` to its end, without reading what comes before. */
async function readFrom(path: string, from: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    const buf = Buffer.alloc(Math.max(0, size - from));
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await handle.close();
  }
}
