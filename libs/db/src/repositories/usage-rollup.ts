import type { Tx } from "./tx.ts";

/** The nil UUID stands for "no project" in UsageHourly (a key cannot be NULL). */
export const NO_PROJECT_KEY = "00000000-0000-0000-0000-000000000000";

const HOUR = 3_600_000;

/** The zone's offset from UTC at `at`, in minutes ("GMT+05:30" → 330). */
function offsetMinutes(timeZone: string, at: Date): number {
  const name =
    new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/**
 * The whole UTC hours a report can take from the rollup: [start, end), nulls for open ends;
 * null when it cannot — the zone's days do not start on a UTC hour (India, +05:30), or the
 * range holds no whole hour. Rows in the partial hours at the edges are read from the ledger.
 */
export function rollupHours(f: {
  since?: Date;
  until?: Date;
  timeZone: string;
}): { start: Date | null; end: Date | null } | null {
  const instants = [new Date(), f.since, f.until].filter((d): d is Date => d !== undefined);
  if (instants.some((d) => offsetMinutes(f.timeZone, d) % 60 !== 0)) return null;
  const start = f.since ? new Date(Math.ceil(f.since.getTime() / HOUR) * HOUR) : null;
  const end = f.until ? new Date(Math.floor(f.until.getTime() / HOUR) * HOUR) : null;
  if (start && end && start.getTime() >= end.getTime()) return null;
  return { start, end };
}

/**
 * The rows a report sums, as `src`: whole hours from UsageHourly plus the ledger's rows in the
 * partial hours at either edge. Parameters: $2 project, $3/$4 the hours' start/end, $5/$6 since/until.
 */
export const ROLLUP_SOURCE = `
  SELECT h.hour AS at, NULLIF(h."projectKey", '${NO_PROJECT_KEY}'::uuid) AS project_id, h.model,
         h."inputTokens" AS input, h."outputTokens" AS output, h."cacheWrite5mTokens" AS cw5, h."cacheWrite1hTokens" AS cw1h,
         h."cacheReadTokens" AS cread, h."totalTokens" AS total, h."costUsd" AS cost, h."estimatedUsd" AS estimated,
         h."unpricedTokens" AS unpriced, h.requests, h."webSearchRequests" AS searches
    FROM "UsageHourly" h
   WHERE ($2::uuid IS NULL OR h."projectKey" = $2::uuid)
     AND ($3::timestamp IS NULL OR h.hour >= $3::timestamp) AND ($4::timestamp IS NULL OR h.hour < $4::timestamp)
  UNION ALL
  SELECT u."occurredAt", u."projectId", u.model, u."inputTokens", u."outputTokens", u."cacheWrite5mTokens",
         u."cacheWrite1hTokens", u."cacheReadTokens", u."totalTokens", coalesce(u."costUsd", 0),
         CASE WHEN u."costEstimated" THEN coalesce(u."costUsd", 0) ELSE 0 END,
         CASE WHEN u.unpriced THEN u."totalTokens" ELSE 0 END, 1, u."webSearchRequests"
    FROM "UsageRecord" u
   WHERE ($2::uuid IS NULL OR u."projectId" = $2::uuid)
     AND ((u."occurredAt" >= $5::timestamp AND u."occurredAt" < $3::timestamp)
       OR (u."occurredAt" >= $4::timestamp AND u."occurredAt" < $6::timestamp))`;

/** For tests and repairs: the rollup summed, to compare with the ledger it is kept from. */
export async function rollupTotals(db: Tx): Promise<{ tokens: number; requests: number }> {
  const [row] = await db.$queryRaw<Array<{ tokens: bigint | null; requests: bigint | null }>>`
    SELECT sum("totalTokens") AS tokens, sum(requests) AS requests FROM "UsageHourly"`;
  return { tokens: Number(row?.tokens ?? 0), requests: Number(row?.requests ?? 0) };
}
