import { ACTIVE_RUNNER_STATUSES } from "@stratavore/contracts";
import type { Tx } from "./tx.ts";

/**
 * Sessions whose store copy is missing or older than their archived lines, oldest first, with
 * no runner working on them, and no line added for `quietMs` (an import still uploading their
 * files, or a session still being written, would otherwise be copied again and again, or
 * copied half done). `entriesAt` is read here, before the lines are: recorded with the copy, a line that
 * lands in between only makes the session due once more.
 */
export function sessionsDueStoreCopy(db: Tx, limit: number, quietMs = 0) {
  return db.$queryRaw<Array<{ id: string; projectId: string | null; entriesAt: Date }>>`
    SELECT s.id, s."projectId", s."entriesAt" FROM "Session" s
     WHERE s."entriesAt" IS DISTINCT FROM s."archivedEntriesAt"
       AND s."entriesAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => ${quietMs / 1000})
       AND (s."storeCopyRetryAt" IS NULL OR s."storeCopyRetryAt" <= now() AT TIME ZONE 'UTC')
       AND (s."storeCopyLeaseUntil" IS NULL OR s."storeCopyLeaseUntil" < now() AT TIME ZONE 'UTC')
       AND EXISTS (SELECT 1 FROM "TranscriptEntry" e WHERE e."sessionId" = s.id)
       AND NOT EXISTS (SELECT 1 FROM "Runner" r WHERE r."sessionId" = s.id AND r.status::text = ANY(${[...ACTIVE_RUNNER_STATUSES]}::text[]))
     ORDER BY s."entriesAt" ASC LIMIT ${limit}`;
}

/**
 * Claims the session's store copy for `leaseMs`; false when another process holds it. Two
 * reconcilers can overlap in a leadership handover: copying one session side by side, the
 * older copy could land in the store last, under the newer one's record, and never be redone.
 * A lease rather than a lock held on a connection: the copy needs none of the pool's
 * connections meanwhile, and the lease of a holder that died runs out by itself.
 */
export async function claimStoreCopy(db: Tx, id: string, leaseMs: number): Promise<boolean> {
  const claimed = await db.$executeRaw`
    UPDATE "Session" SET "storeCopyLeaseUntil" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${leaseMs / 1000})
     WHERE id = ${id} AND ("storeCopyLeaseUntil" IS NULL OR "storeCopyLeaseUntil" < now() AT TIME ZONE 'UTC')`;
  return claimed === 1;
}

export async function recordStoreCopy(
  db: Tx,
  id: string,
  copy: { key: string; sizeBytes: number; sha256: string; entriesAt: Date },
): Promise<void> {
  await db.session.update({
    where: { id },
    data: {
      transcriptKey: copy.key,
      transcriptSize: BigInt(copy.sizeBytes),
      transcriptSha256: copy.sha256,
      archivedAt: new Date(),
      archivedEntriesAt: copy.entriesAt,
      storeCopyFailures: 0,
      storeCopyRetryAt: null,
      storeCopyLeaseUntil: null,
    },
  });
}

/**
 * A store copy failed: the session is tried again after a delay that doubles with each failure
 * in a row (`firstMs`, at most `maxMs`), so a session that keeps failing neither holds its place
 * at the head of every pass nor fills the log. Returns the delay.
 */
export async function deferStoreCopy(db: Tx, id: string, firstMs: number, maxMs: number): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ delayMs: number }>>`
    UPDATE "Session" SET "storeCopyFailures" = "storeCopyFailures" + 1,
           "storeCopyLeaseUntil" = NULL,
           "storeCopyRetryAt" = (now() AT TIME ZONE 'UTC')
             + make_interval(secs => least(${firstMs}::float8 * 2 ^ least("storeCopyFailures", 30), ${maxMs}::float8) / 1000)
     WHERE id = ${id}
     RETURNING least(${firstMs}::float8 * 2 ^ least("storeCopyFailures" - 1, 30), ${maxMs}::float8)::float8 AS "delayMs"`;
  return row?.delayMs ?? 0;
}

/** Retention deleted a store object: sessions that pointed at it no longer have a copy. */
export async function forgetStoreCopy(db: Tx, key: string): Promise<void> {
  await db.session.updateMany({
    where: { transcriptKey: key },
    data: { transcriptKey: null, transcriptSize: null, transcriptSha256: null },
  });
}

export function storeCopyOf(db: Tx, id: string) {
  return db.session.findUnique({
    where: { id },
    select: { transcriptKey: true, transcriptSha256: true, transcriptSize: true, archivedAt: true },
  });
}

/**
 * An imported session becomes resumable once lines of its main transcript are archived (restore
 * puts them on a node): sub-agent files alone (their session's file deleted) give claude no
 * conversation to resume.
 */
export async function markResumableIfArchived(db: Tx, sessionId: string): Promise<void> {
  if (await db.transcriptEntry.count({ where: { sessionId, file: "" } }))
    await db.session.update({ where: { id: sessionId }, data: { resumable: true } });
}

/**
 * The session's last `cost-state` entry (claude's own running total), and whether responses of
 * the main transcript were archived after it: claude writes it when it leaves a session (on
 * /clear, /resume, /branch) and when it exits, so while it works on, its figure lags ours.
 */
export async function lastCostState(
  db: Tx,
  sessionId: string,
): Promise<{ rawLine: string; responsesAfter: boolean } | null> {
  // In the order archived: a copy of the file on another node (a session moved between nodes)
  // has offsets of its own, and claude's cost-state lines carry no timestamp.
  const last = await db.transcriptEntry.findFirst({
    where: { sessionId, type: "cost-state" },
    orderBy: { id: "desc" },
    select: { id: true, rawLine: true },
  });
  if (!last) return null;
  // A response of the main transcript after it. Not sub-agents' files: an import (or a tailer
  // catching up) archives them after the main file, and each sub-agent's work ends in a main-
  // transcript response anyway.
  const after = await db.transcriptEntry.findFirst({
    where: { sessionId, type: "assistant", file: "", id: { gt: last.id } },
    select: { id: true },
  });
  return { rawLine: last.rawLine, responsesAfter: after !== null };
}

/** The ledger of one session by model: tokens, dollars (null when nothing priced), any estimate. */
export function sessionSpendByModel(db: Tx, sessionId: string) {
  return db.$queryRaw<Array<{ model: string; tokens: bigint; usd: unknown; estimated: boolean }>>`
    SELECT model, sum("totalTokens") AS tokens, sum("costUsd") AS usd, bool_or("costEstimated") AS estimated
      FROM "UsageRecord" WHERE "sessionId" = ${sessionId} GROUP BY model`;
}

/** Title-less conversation text of a session, in file order: what stands for it in "find similar". */
export async function sessionOpeningLines(db: Tx, sessionId: string, take: number): Promise<string[]> {
  const rows = await db.transcriptEntry.findMany({
    where: { sessionId, type: { in: ["user", "assistant"] }, isSidechain: false, text: { not: "" } },
    orderBy: [{ file: "asc" }, { offset: "asc" }],
    take,
    select: { text: true },
  });
  return rows.map((r) => r.text);
}
