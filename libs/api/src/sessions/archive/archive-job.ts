import { ACTIVE_RUNNER_STATUSES } from "@stratavore/contracts";
import { gzipSync } from "node:zlib";
import { rawLines } from "@stratavore/db";
import type { ApiDeps } from "../../deps.ts";
import { sha256 } from "./transcript-store.ts";

/**
 * Sessions whose runners have all ended get a gzip copy of their JSONL in the transcript
 * store, with its checksum. A failed upload is simply due again on the next pass (the lines
 * stay in the database meanwhile), so nothing is lost; passes are bounded.
 */
export async function archiveEndedSessions(deps: ApiDeps, limit = 10): Promise<number> {
  const due = await deps.db.$queryRaw<Array<{ id: string; projectId: string | null }>>`
    SELECT s.id, s."projectId" FROM "Session" s
     WHERE (s."archivedAt" IS NULL OR s."archivedAt" < s."lastMessageAt")
       AND EXISTS (SELECT 1 FROM "TranscriptEntry" e WHERE e."sessionId" = s.id)
       AND NOT EXISTS (SELECT 1 FROM "Runner" r WHERE r."sessionId" = s.id AND r.status::text = ANY(${[...ACTIVE_RUNNER_STATUSES]}::text[]))
     ORDER BY s."lastMessageAt" ASC NULLS FIRST LIMIT ${limit}`;
  let done = 0;
  for (const s of due) {
    try {
      const lines = (await rawLines(deps.db, s.id)).filter((l) => l.file === "").map((l) => l.rawLine);
      const body = gzipSync(Buffer.from(`${lines.join("\n")}\n`));
      const key = `${s.projectId ?? "no-project"}/${s.id}.jsonl.gz`;
      await deps.transcripts.put(key, body);
      await deps.db.session.update({
        where: { id: s.id },
        data: {
          transcriptKey: key,
          transcriptSize: BigInt(body.length),
          transcriptSha256: sha256(body),
          archivedAt: new Date(),
        },
      });
      // Semantic index, when configured; a failure here must not undo the archive.
      await deps.similarity
        ?.index(deps.db, s.id)
        .catch((err: unknown) =>
          deps.log("warn", "embedding a session failed", { sessionId: s.id, error: String(err) }),
        );
      done++;
    } catch (err) {
      deps.log("warn", "transcript upload failed; will retry", { sessionId: s.id, error: String(err) });
    }
  }
  return done;
}

/** Retention: store objects older than N days are deleted (the searchable entries stay). */
export async function applyRetention(deps: ApiDeps, days: number, now = new Date()): Promise<number> {
  const keys = await deps.transcripts.olderThan(new Date(now.getTime() - days * 86_400_000));
  for (const key of keys) {
    await deps.transcripts.delete(key);
    await deps.db.session.updateMany({
      where: { transcriptKey: key },
      data: { transcriptKey: null, transcriptSize: null, transcriptSha256: null },
    });
  }
  return keys.length;
}
