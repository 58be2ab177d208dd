import type { Tx } from "./tx.ts";

/** Running runners with what the watchdog needs: their screen's state and their project's settings. */
export function runnersToWatch(db: Tx) {
  return db.runner.findMany({
    where: { status: "running" },
    select: {
      id: true,
      sessionId: true,
      activity: true,
      activityLine: true,
      activityAt: true,
      startedAt: true,
      watchdog: true,
      project: {
        select: { id: true, name: true, watchdogStallSeconds: true, watchdogOnStall: true, watchdogOnErrorLoop: true },
      },
    },
  });
}
export type WatchedRunner = Awaited<ReturnType<typeof runnersToWatch>>[number];

/**
 * API errors claude wrote to a session's transcript since `since`: its retry notices
 * (`system`/`api_error`, one per attempt) and the message it shows when it gives up
 * (`assistant` with `isApiErrorMessage`), as claude 2.1.328 writes them. The newest line comes
 * back for its wording.
 */
export async function apiErrorsSince(
  db: Tx,
  sessionId: string,
  since: Date,
): Promise<{ count: number; lastLine: string | null }> {
  const rows = await db.$queryRaw<{ count: bigint; last: string | null }[]>`
    SELECT count(*) AS count,
           (array_agg("rawLine" ORDER BY "timestamp" DESC))[1] AS last
      FROM "TranscriptEntry"
     WHERE "sessionId" = ${sessionId} AND "timestamp" >= ${since}
       AND (("type" = 'system' AND "rawLine" LIKE '%"subtype":"api_error"%')
         OR ("type" = 'assistant' AND "rawLine" LIKE '%"isApiErrorMessage":true%'))`;
  return { count: Number(rows[0]?.count ?? 0), lastLine: rows[0]?.last ?? null };
}

/** Whether the session's transcript got any line stamped at or after `since`. */
export async function transcriptGrewSince(db: Tx, sessionId: string, since: Date): Promise<boolean> {
  return (await db.transcriptEntry.count({ where: { sessionId, timestamp: { gte: since } }, take: 1 })) > 0;
}

/** Records a finding on a runner still running; false when it no longer runs. */
export async function setRunnerWatchdog(
  db: Tx,
  id: string,
  finding: { watchdog: string; detail: string; since: Date } | null,
): Promise<boolean> {
  const { count } = await db.runner.updateMany({
    where: { id, status: "running" },
    data: finding
      ? { watchdog: finding.watchdog, watchdogDetail: finding.detail, watchdogSince: finding.since }
      : { watchdog: null, watchdogDetail: null, watchdogSince: null },
  });
  return count === 1;
}
