import type { Tx } from "./tx.ts";

/**
 * The state /metrics reports, read at scrape time so every instance reports the same truth and a
 * restart loses nothing. Labels are names (projects, nodes, models), never ids of runners.
 */

export interface RunnerCount {
  project: string;
  status: string;
  count: number;
}

export async function runnerCounts(db: Tx): Promise<RunnerCount[]> {
  const rows = await db.$queryRaw<Array<{ project: string; status: string; count: bigint }>>`
    SELECT p.name AS project, r.status::text AS status, count(*) AS count
      FROM "Runner" r JOIN "Project" p ON p.id = r."projectId"
     GROUP BY 1, 2`;
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

export interface NodeGauge {
  node: string;
  status: string;
  lastSeenAt: Date | null;
  deadLetters: number;
  spooled: number;
  activeRunners: number;
  cpuPercent: number;
  memoryBytes: number;
}

/** Every node not revoked, with the sum of what its active runners use (from their last beat). */
export async function nodeGauges(db: Tx): Promise<NodeGauge[]> {
  const rows = await db.$queryRaw<
    Array<Omit<NodeGauge, "activeRunners" | "memoryBytes"> & { activeRunners: bigint; memoryBytes: bigint | null }>
  >`
    SELECT n.name AS node, n.status::text AS status, n."lastSeenAt", n."deadLetters", n."spooledItems" AS spooled,
           count(r.id) AS "activeRunners", coalesce(sum(r."cpuPercent"), 0)::float8 AS "cpuPercent",
           coalesce(sum(r."memoryBytes"), 0)::int8 AS "memoryBytes"
      FROM "Node" n
      LEFT JOIN "Runner" r ON r."nodeId" = n.id AND r.status IN ('starting', 'running', 'paused', 'stopping')
     WHERE n."revokedAt" IS NULL
     GROUP BY n.id`;
  return rows.map((r) => ({ ...r, activeRunners: Number(r.activeRunners), memoryBytes: Number(r.memoryBytes ?? 0) }));
}

export interface LedgerTotal {
  project: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  unpricedTokens: number;
  costUsd: number;
  responses: number;
}

/**
 * All-time ledger totals by project and priced model (the price-table row; `unpriced` for none):
 * the source of the token and cost counters.
 */
export async function ledgerTotals(db: Tx): Promise<LedgerTotal[]> {
  const rows = await db.$queryRaw<Array<Record<keyof LedgerTotal, unknown>>>`
    SELECT coalesce(p.name, '(none)') AS project, u.*
      FROM (SELECT "projectId",
                   -- The price row it was priced as: bounded by the price table, unlike the model id
                   -- an agent or an import reports.
                   CASE WHEN unpriced THEN 'unpriced' ELSE coalesce("pricedAs", 'other') END AS model,
                   sum("inputTokens") AS "inputTokens", sum("outputTokens") AS "outputTokens",
                   sum("cacheWrite5mTokens") AS "cacheWrite5mTokens", sum("cacheWrite1hTokens") AS "cacheWrite1hTokens",
                   sum("cacheReadTokens") AS "cacheReadTokens",
                   coalesce(sum("totalTokens") FILTER (WHERE unpriced), 0) AS "unpricedTokens",
                   coalesce(sum("costUsd"), 0) AS "costUsd", count(*) AS responses
              FROM "UsageRecord" GROUP BY 1, 2) u
      LEFT JOIN "Project" p ON p.id = u."projectId"`;
  return rows.map((r) => ({
    project: String(r.project),
    model: String(r.model),
    inputTokens: Number(r.inputTokens),
    outputTokens: Number(r.outputTokens),
    cacheWrite5mTokens: Number(r.cacheWrite5mTokens),
    cacheWrite1hTokens: Number(r.cacheWrite1hTokens),
    cacheReadTokens: Number(r.cacheReadTokens),
    unpricedTokens: Number(r.unpricedTokens),
    costUsd: Number(r.costUsd),
    responses: Number(r.responses),
  }));
}

/** Audit events by type appended after `afterSeq` (the log is append-only, so counts only grow). */
export async function eventCountsAfter(
  db: Tx,
  afterSeq: bigint,
): Promise<{ counts: Array<{ type: string; count: number }>; lastSeq: bigint }> {
  const rows = await db.$queryRaw<Array<{ type: string; count: bigint; last: bigint }>>`
    SELECT type, count(*) AS count, max(seq) AS last FROM "Event" WHERE seq > ${afterSeq} GROUP BY type`;
  const lastSeq = rows.reduce((m, r) => (r.last > m ? r.last : m), afterSeq);
  return { counts: rows.map((r) => ({ type: r.type, count: Number(r.count) })), lastSeq };
}

/** Dollars and tokens of responses in the last 24 hours (indexed by occurredAt), for exact spend panels. */
export async function lastDayUsage(db: Tx, now = new Date()): Promise<{ usd: number; tokens: number }> {
  const [row] = await db.$queryRaw<Array<{ usd: unknown; tokens: bigint | null }>>`
    SELECT coalesce(sum("costUsd"), 0) AS usd, coalesce(sum("totalTokens"), 0) AS tokens
      FROM "UsageRecord" WHERE "occurredAt" >= ${new Date(now.getTime() - 86_400_000)}`;
  return { usd: Number(row?.usd ?? 0), tokens: Number(row?.tokens ?? 0) };
}
