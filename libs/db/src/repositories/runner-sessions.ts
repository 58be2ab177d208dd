import { ACTIVE_RUNNER_STATUSES } from "@stratavore/contracts";
import type { Tx } from "./tx.ts";

/** A runner's session row exists from its first line on (sessions and usage attach to it). */
export async function ensureSession(
  db: Tx,
  data: { id: string; projectId: string | null; nodeId: string | null; cwd: string; forkedFromId?: string },
): Promise<void> {
  await db.session.upsert({ where: { id: data.id }, create: data, update: {} });
}

/**
 * A launch the node refused before claude started (its folder missing, the node full) leaves
 * the session it made for it empty: that session is removed, so the archive never lists a
 * session that cannot hold a line. Only when nothing else refers to it — no line, usage,
 * stored transcript, other runner, fork or resume — so a resume's or a restart's session
 * stays. The runner's own reference becomes null (the foreign key's SET NULL).
 */
export async function dropSessionNeverUsed(db: Tx, sessionId: string, runnerId: string): Promise<boolean> {
  const deleted = await db.$executeRaw`
    DELETE FROM "Session" s
    WHERE s.id = ${sessionId} AND s."messageCount" = 0 AND s."transcriptKey" IS NULL
      AND NOT EXISTS (SELECT 1 FROM "TranscriptEntry" e WHERE e."sessionId" = s.id)
      AND NOT EXISTS (SELECT 1 FROM "UsageRecord" u WHERE u."sessionId" = s.id)
      AND NOT EXISTS (SELECT 1 FROM "Runner" r WHERE r."sessionId" = s.id AND r.id <> ${runnerId}::uuid)
      AND NOT EXISTS (SELECT 1 FROM "Session" c WHERE c."forkedFromId" = s.id OR c."resumedFromId" = s.id)`;
  return deleted > 0;
}

/**
 * A user's resume takes the place of a failed runner of the same session that waits for a
 * restart: that restart is given up (two claudes appending would interleave the transcript).
 */
export async function abandonWaitingRestarts(db: Tx, sessionId: string): Promise<void> {
  await db.runner.updateMany({
    where: { sessionId, status: "failed", nextRestartAt: { not: null } },
    data: { nextRestartAt: null, restartDeferredSince: null },
  });
}

/** Model and flags of the last runner that worked on a session: a resume keeps them. */
export function lastRunnerOfSession(db: Tx, sessionId: string) {
  return db.runner.findFirst({
    where: { sessionId },
    orderBy: { createdAt: "desc" },
    select: { model: true, flags: true },
  });
}

/** Whether any runner, in any status, ever worked on the session (now, or before claude moved on). */
export async function sessionHadRunner(db: Tx, sessionId: string): Promise<boolean> {
  return (await db.runner.count({ where: { OR: [{ sessionId }, { pastSessionIds: { has: sessionId } }] } })) > 0;
}

/**
 * Whether a session is the runner's to write: the one it runs now, or one its claude moved away
 * from (/clear), whose last lines may still be on their way.
 */
export function isRunnersSession(
  runner: { sessionId: string | null; pastSessionIds: string[] },
  sessionId: string,
): boolean {
  return runner.sessionId === sessionId || runner.pastSessionIds.includes(sessionId);
}

/** The runner's sessions, its row locked for the rest of the transaction (moves are read-modify-write). */
export async function lockRunnerSessions(
  tx: Tx,
  runnerId: string,
): Promise<{ sessionId: string | null; pastSessionIds: string[] } | null> {
  const rows = await tx.$queryRaw<Array<{ sessionId: string | null; pastSessionIds: string[] }>>`
    SELECT "sessionId", "pastSessionIds" FROM "Runner" WHERE id = ${runnerId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

/** How many runners other than `runnerId` are active on the session. */
export function otherActiveRunnersOfSession(db: Tx, sessionId: string, runnerId: string): Promise<number> {
  return db.runner.count({
    where: { sessionId, id: { not: runnerId }, status: { in: [...ACTIVE_RUNNER_STATUSES] } },
  });
}
