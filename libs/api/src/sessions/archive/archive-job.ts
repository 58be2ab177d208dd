import { promisify } from "node:util";
import { gzip } from "node:zlib";
import {
  deferStoreCopy,
  forgetStoreCopy,
  rawLines,
  recordStoreCopy,
  sessionsDueStoreCopy,
  claimStoreCopy,
} from "@stratavore/db";
import type { ApiDeps } from "../../deps.ts";
import { jsonlFile } from "./jsonl-file.ts";
import { sha256 } from "./transcript-store.ts";

const gzipped = promisify(gzip);
/** After a failed copy a session waits this long, doubled with each further failure, up to an hour. */
const RETRY_FIRST_MS = 30_000;
const RETRY_MAX_MS = 3_600_000;
/** How long a reconciler holds a session's copy (claimStoreCopy): far longer than a copy takes. */
const LEASE_MS = 10 * 60_000;

/**
 * Sessions whose runners have all ended get a gzip copy of their JSONL in the transcript
 * store, with its checksum, once no line has been added for `quietMs`. A failed upload is due
 * again after a backoff (the lines stay in the database meanwhile), so nothing is lost; passes
 * are bounded.
 */
export async function archiveEndedSessions(deps: ApiDeps, limit = 10, quietMs = 0): Promise<number> {
  const due = await sessionsDueStoreCopy(deps.db, limit, quietMs);
  let done = 0;
  for (const s of due) {
    try {
      if (!(await claimStoreCopy(deps.db, s.id, LEASE_MS))) continue; // another reconciler is copying it
      const file = jsonlFile((await rawLines(deps.db, s.id)).filter((l) => l.file === ""));
      // On the thread pool: a long session would otherwise hold the event loop for seconds.
      const body = await gzipped(file.bytes ?? Buffer.from(file.text));
      const key = `${s.projectId ?? "no-project"}/${s.id}.jsonl.gz`;
      await deps.transcripts.put(key, body);
      await recordStoreCopy(deps.db, s.id, {
        key,
        sizeBytes: body.length,
        sha256: sha256(body),
        entriesAt: s.entriesAt,
      });
      // Semantic index, when configured; a failure here must not undo the archive.
      await deps.similarity
        ?.index(deps.db, s.id)
        .catch((err: unknown) =>
          deps.log("warn", "embedding a session failed", { sessionId: s.id, error: String(err) }),
        );
      done++;
    } catch (err) {
      // A database blip here must not end the pass for the sessions after this one.
      const retryInMs = await deferStoreCopy(deps.db, s.id, RETRY_FIRST_MS, RETRY_MAX_MS).catch(() => null);
      deps.log("warn", "transcript upload failed; will retry", { sessionId: s.id, retryInMs, error: String(err) });
    }
  }
  return done;
}

/** Retention: store objects older than N days are deleted (the searchable entries stay). */
export async function applyRetention(deps: ApiDeps, days: number, now = new Date()): Promise<number> {
  const keys = await deps.transcripts.olderThan(new Date(now.getTime() - days * 86_400_000));
  for (const key of keys) {
    await deps.transcripts.delete(key);
    await forgetStoreCopy(deps.db, key);
  }
  return keys.length;
}
