import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

/** How much of a file's start identifies it: a transcript's first line or two. */
export const HEAD_BYTES = 4096;

/**
 * sha256 of a file's first min(HEAD_BYTES, upTo) bytes: the same value later means the same
 * file grew (its start is never rewritten); another value means it was replaced. A missing file
 * has the hash of nothing.
 */
export async function fileHeadSha256(path: string, upTo: number): Promise<string> {
  const want = Math.max(0, Math.min(HEAD_BYTES, upTo));
  const buf = Buffer.alloc(want);
  let got = 0;
  try {
    const handle = await open(path, "r");
    try {
      got = (await handle.read(buf, 0, want, 0)).bytesRead;
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  return createHash("sha256").update(buf.subarray(0, got)).digest("hex");
}
