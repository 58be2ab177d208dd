import { ACTIVE_RUNNER_STATUSES, type RunnerStatus } from "@stratavore/contracts";
import { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

/**
 * What agents' heartbeats and activity reports write on runner rows: figures (CPU, memory),
 * what each runner is doing (ADR 0010), and the node's last-seen time — only ever for runners
 * of the reporting node that are still active.
 */

export interface HeartbeatRow {
  runnerId: string;
  cpuPercent: number;
  rssBytes: number;
  /** What its screen shows; absent from older agents (the last known stays). */
  activity?: RunnerActivityRow;
}

export interface RunnerActivityRow {
  state: string;
  line: string | null;
  /** How long ago its screen last changed, by the agent's count. */
  quietMs: number;
}

/** One row per runner of a beat: figures, and what it is doing when its agent says. */
function beatValues(rows: HeartbeatRow[], at: Date) {
  const atMs = at.getTime();
  return Prisma.sql`unnest(
      ${rows.map((r) => r.runnerId)}::uuid[],
      ${rows.map((r) => r.cpuPercent)}::float8[],
      ${rows.map((r) => BigInt(Math.round(r.rssBytes)))}::int8[],
      ${rows.map((r) => r.activity?.state ?? null)}::text[],
      ${rows.map((r) => r.activity?.line ?? null)}::text[],
      ${rows.map((r) => (r.activity ? atMs - r.activity.quietMs : null))}::float8[]
    ) AS v(id, cpu, rss, act, line, act_ms)`;
}

function beatSet(at: Date) {
  // An activity applies only if its screen changed no earlier than the stored one: a beat
  // sampled before an immediate "waiting" report must not put the older state back.
  const newAt = Prisma.sql`(to_timestamp(v.act_ms / 1000.0) AT TIME ZONE 'UTC')`;
  const fresh = Prisma.sql`(v.act IS NOT NULL AND (r."activityAt" IS NULL OR ${newAt} >= r."activityAt"))`;
  return Prisma.sql`"cpuPercent" = v.cpu, "memoryBytes" = v.rss, "lastHeartbeatAt" = ${at},
         "activity" = CASE WHEN ${fresh} THEN v.act ELSE r."activity" END,
         "activityLine" = CASE WHEN ${fresh} THEN v.line ELSE r."activityLine" END,
         "activityAt" = CASE WHEN ${fresh} THEN ${newAt} ELSE r."activityAt" END`;
}

/** What a beat's UPDATE hands back per runner: its status and what it is now recorded doing. */
export interface BeatRow {
  id: string;
  status: RunnerStatus;
  activity: string | null;
  activityLine: string | null;
  /** ms since the epoch. */
  activityMs: number | null;
}
const BEAT_RETURNING = Prisma.sql`r.id::text AS id, r.status::text AS status, r."activity" AS activity,
       r."activityLine" AS "activityLine",
       (extract(epoch FROM r."activityAt" AT TIME ZONE 'UTC') * 1000)::float8 AS "activityMs"`;

/**
 * A runner started or stopped waiting between beats: recorded at once, for a runner of this
 * node only (another node's runner, or an ended one, is left alone). Null when nothing matched.
 */
export async function setRunnerActivity(
  db: Tx,
  nodeId: string,
  runnerId: string,
  a: RunnerActivityRow,
  at: Date,
): Promise<{ id: string; activityAt: Date; before: string | null } | null> {
  // The FROM row is read before the update: what the runner was doing until now.
  const rows = await db.$queryRaw<{ id: string; activityAt: Date; before: string | null }[]>`
    UPDATE "Runner" AS r
       SET "activity" = ${a.state}, "activityLine" = ${a.line},
           "activityAt" = to_timestamp(${at.getTime() - a.quietMs}::float8 / 1000.0) AT TIME ZONE 'UTC'
      FROM (SELECT id, "activity" FROM "Runner" WHERE id = ${runnerId}::uuid) AS prev
     WHERE r.id = prev.id AND r.id = ${runnerId}::uuid AND r."nodeId" = ${nodeId}::uuid
       AND r.status::text = ANY(${[...ACTIVE_RUNNER_STATUSES]}::text[])
       AND (r."activityAt" IS NULL
            OR to_timestamp(${at.getTime() - a.quietMs}::float8 / 1000.0) AT TIME ZONE 'UTC' >= r."activityAt")
    RETURNING r.id::text AS id, r."activityAt" AS "activityAt", prev."activity" AS before`;
  return rows[0] ?? null;
}

/**
 * One statement for the whole batch: the beat of 1000 runners is one UPDATE, not 1000. It
 * returns the rows it touched with their status, so the caller learns — with no second query —
 * which are `lost` (to adopt) and which reported ids it did not touch (not active here: strays).
 */
export async function applyHeartbeatBatch(db: Tx, nodeId: string, rows: HeartbeatRow[], at: Date): Promise<BeatRow[]> {
  if (rows.length === 0) return [];
  return db.$queryRaw<BeatRow[]>`
    UPDATE "Runner" AS r
       SET ${beatSet(at)}
      FROM ${beatValues(rows, at)}
     WHERE r.id = v.id AND r."nodeId" = ${nodeId}::uuid AND r.status::text = ANY(${[...ACTIVE_RUNNER_STATUSES]}::text[])
    RETURNING ${BEAT_RETURNING}`;
}

/**
 * The common beat in one statement (no transaction, one round trip): the runners' figures, and
 * the node's last-seen time and spool counts — but the node only while nothing needs saying
 * about it (it is not offline, and its agent set no more items aside than before).
 * `nodeTouched` false: the caller takes the audited path (`markNodeSeen` in a transaction).
 */
export async function applyHeartbeatFast(
  db: Tx,
  nodeId: string,
  rows: HeartbeatRow[],
  at: Date,
  report: { deadLetters?: number; spooled?: number; host?: { cpuPercent: number; memoryPercent: number } },
): Promise<{ nodeTouched: boolean; runners: BeatRow[] }> {
  const dead = report.deadLetters ?? null;
  const spooled = report.spooled ?? null;
  const hostCpu = report.host?.cpuPercent ?? null;
  const hostMemory = report.host?.memoryPercent ?? null;
  const [row] = await db.$queryRaw<{ node_touched: boolean; runners: BeatRow[] }[]>`
    WITH node AS (
      UPDATE "Node" AS n
         SET "lastSeenAt" = ${at},
             "deadLetters" = COALESCE(${dead}::int, n."deadLetters"),
             "spooledItems" = COALESCE(${spooled}::int, n."spooledItems"),
             "hostCpuPercent" = COALESCE(${hostCpu}::float8, n."hostCpuPercent"),
             "hostMemoryPercent" = COALESCE(${hostMemory}::float8, n."hostMemoryPercent")
       WHERE n.id = ${nodeId}::uuid AND n.status <> 'offline' AND (${dead}::int IS NULL OR ${dead}::int <= n."deadLetters")
      RETURNING 1
    ), runners AS (
      UPDATE "Runner" AS r
         SET ${beatSet(at)}
        FROM ${beatValues(rows, at)}
       WHERE r.id = v.id AND r."nodeId" = ${nodeId}::uuid AND r.status::text = ANY(${[...ACTIVE_RUNNER_STATUSES]}::text[])
      RETURNING ${BEAT_RETURNING}
    )
    SELECT EXISTS (SELECT 1 FROM node) AS node_touched,
           COALESCE((SELECT json_agg(runners) FROM runners), '[]'::json) AS runners`;
  return { nodeTouched: row?.node_touched ?? false, runners: row?.runners ?? [] };
}
