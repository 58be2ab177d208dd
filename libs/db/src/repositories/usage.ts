import type { UsageRecordInput } from "@stratavore/contracts";
import type { Tx } from "./tx.ts";

export interface LedgerRow extends UsageRecordInput {
  runnerId: string | null;
  projectId: string | null;
  nodeId: string | null;
  totalTokens: number;
  costUsd: number | null;
  priceVersion: string | null;
  unpriced: boolean;
  costEstimated: boolean;
  pricedAs: string | null;
}

export interface UpsertResult {
  key: string;
  inserted: boolean;
}

/**
 * The ledger write (DESIGN §3): one statement per batch, keyed by message id. A new key
 * inserts; a known key is replaced only by a line with a larger total (the whole line, never
 * a per-field max) written for the same owner — the same runner, or no runner for imports
 * (rule 6: a fork's replay, or a node claiming another runner's response, changes nothing).
 * So a batch sent twice changes nothing. Rows must have distinct message ids. Returns the
 * keys that were inserted or grew.
 */
export async function upsertUsage(db: Tx, rows: LedgerRow[], now = new Date()): Promise<UpsertResult[]> {
  if (rows.length === 0) return [];
  const col = <K extends keyof LedgerRow>(k: K) => rows.map((r) => r[k]);
  // Sessions first: usage rows reference them (sub-agent spend rolls up to the parent session).
  const sessions = [...new Map(rows.map((r) => [r.sessionId, r])).values()];
  await db.$executeRaw`
    INSERT INTO "Session" (id, "projectId", "nodeId", "createdAt", "updatedAt")
    SELECT s.id, s.project, s.node, ${now}, ${now}
      FROM unnest(${sessions.map((s) => s.sessionId)}::text[], ${sessions.map((s) => s.projectId)}::uuid[], ${sessions.map((s) => s.nodeId)}::uuid[]) AS s(id, project, node)
    ON CONFLICT (id) DO NOTHING`;
  return db.$queryRaw<UpsertResult[]>`
    INSERT INTO "UsageRecord" ("usageKey", "messageId", "requestId", "sessionId", "runnerId", "projectId", "nodeId", model, "serviceTier", speed,
      "inputTokens", "outputTokens", "cacheWrite5mTokens", "cacheWrite1hTokens", "cacheReadTokens", "webSearchRequests", "webFetchRequests",
      "totalTokens", "costUsd", "priceVersion", unpriced, "costEstimated", "pricedAs", "isSidechain", "occurredAt", "createdAt")
    SELECT t.*, ${now}::timestamp FROM unnest(
      ${col("messageId")}::text[], ${col("messageId")}::text[], ${col("requestId")}::text[], ${col("sessionId")}::text[],
      ${col("runnerId")}::uuid[], ${col("projectId")}::uuid[], ${col("nodeId")}::uuid[], ${col("model")}::text[], ${col("serviceTier")}::text[], ${col("speed")}::text[],
      ${col("inputTokens")}::int8[], ${col("outputTokens")}::int8[], ${col("cacheWrite5mTokens")}::int8[], ${col("cacheWrite1hTokens")}::int8[], ${col("cacheReadTokens")}::int8[],
      ${col("webSearchRequests")}::int4[], ${col("webFetchRequests")}::int4[], ${col("totalTokens")}::int8[], ${col("costUsd")}::numeric[], ${col("priceVersion")}::text[],
      ${col("unpriced")}::bool[], ${col("costEstimated")}::bool[], ${col("pricedAs")}::text[], ${col("isSidechain")}::bool[], ${rows.map((r) => new Date(r.occurredAt))}::timestamp[]
    ) AS t
    ON CONFLICT ("usageKey") DO UPDATE SET
      model = EXCLUDED.model, "serviceTier" = EXCLUDED."serviceTier", speed = EXCLUDED.speed,
      "inputTokens" = EXCLUDED."inputTokens", "outputTokens" = EXCLUDED."outputTokens", "cacheWrite5mTokens" = EXCLUDED."cacheWrite5mTokens",
      "cacheWrite1hTokens" = EXCLUDED."cacheWrite1hTokens", "cacheReadTokens" = EXCLUDED."cacheReadTokens",
      "webSearchRequests" = EXCLUDED."webSearchRequests", "webFetchRequests" = EXCLUDED."webFetchRequests",
      "totalTokens" = EXCLUDED."totalTokens", "costUsd" = EXCLUDED."costUsd", "priceVersion" = EXCLUDED."priceVersion", unpriced = EXCLUDED.unpriced,
      "costEstimated" = EXCLUDED."costEstimated", "pricedAs" = EXCLUDED."pricedAs"
    WHERE EXCLUDED."totalTokens" > "UsageRecord"."totalTokens"
      AND "UsageRecord"."runnerId" IS NOT DISTINCT FROM EXCLUDED."runnerId"
      AND "UsageRecord"."sessionId" IS NOT DISTINCT FROM EXCLUDED."sessionId"
    RETURNING "usageKey" AS key, (xmax = 0) AS inserted`;
}

/** Rows among `messageIds` counted for another owner than `runnerId` (another runner, or an import). */
export async function foreignLedgerRows(
  db: Tx,
  messageIds: string[],
  runnerId: string,
): Promise<Map<string, { runnerId: string | null; totalTokens: number }>> {
  if (messageIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ key: string; runnerId: string | null; total: bigint }>>`
    SELECT "usageKey" AS key, "runnerId"::text AS "runnerId", "totalTokens" AS total FROM "UsageRecord"
     WHERE "usageKey" = ANY(${messageIds}::text[]) AND "runnerId" IS DISTINCT FROM ${runnerId}::uuid`;
  return new Map(rows.map((r) => [r.key, { runnerId: r.runnerId, totalTokens: Number(r.total) }]));
}

export interface SpendFilter {
  since: Date;
  projectId?: string;
  runnerId?: string;
}

export interface Spend {
  tokens: number;
  /** Priced usage, estimated prices included. */
  usd: number;
  /** The part of `usd` priced at a family's newest price (DESIGN §3 rule 4). */
  estimatedUsd: number;
  /** Tokens of models with no price at all: not in `usd`. */
  unpricedTokens: number;
}

/** Tokens and dollars since a time, for a scope; from the ledger (indexed by occurredAt). */
export async function spendSince(db: Tx, f: SpendFilter): Promise<Spend> {
  const [row] = await db.$queryRaw<
    Array<{ tokens: bigint | null; usd: unknown; estimated: unknown; unpriced: bigint | null }>
  >`
    SELECT sum("totalTokens") AS tokens, sum("costUsd") AS usd, sum("costUsd") FILTER (WHERE "costEstimated") AS estimated,
           sum("totalTokens") FILTER (WHERE unpriced) AS unpriced
      FROM "UsageRecord"
     WHERE "occurredAt" >= ${f.since} AND (${f.projectId ?? null}::uuid IS NULL OR "projectId" = ${f.projectId ?? null}::uuid)
       AND (${f.runnerId ?? null}::uuid IS NULL OR "runnerId" = ${f.runnerId ?? null}::uuid)`;
  return {
    tokens: Number(row?.tokens ?? 0),
    usd: Number(row?.usd ?? 0),
    estimatedUsd: Number(row?.estimated ?? 0),
    unpricedTokens: Number(row?.unpriced ?? 0),
  };
}

export type UsageGroup = "day" | "week" | "month" | "model" | "project" | "session" | "runner" | "all";

export interface UsageAggregate {
  group: string;
  label: string;
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  costUsd: number;
  estimatedCostUsd: number;
  unpricedTokens: number;
  requests: number;
}

/**
 * Usage grouped for reports (ccusage-style daily/session views). Time groups are cut in the
 * server's time zone. Unpriced tokens are counted apart, never as $0.
 */
export async function aggregateUsage(
  db: Tx,
  f: {
    by: UsageGroup;
    projectId?: string;
    runnerId?: string;
    since?: Date;
    until?: Date;
    timeZone: string;
    limit: number;
  },
): Promise<UsageAggregate[]> {
  const time = (unit: string) =>
    `to_char(date_trunc('${unit}', u."occurredAt" AT TIME ZONE 'UTC' AT TIME ZONE $1::text), 'YYYY-MM-DD')`;
  const groupExpr: Record<UsageGroup, string> = {
    day: time("day"),
    week: time("week"),
    month: time("month"),
    all: "'total'",
    model: "u.model",
    project: `COALESCE(p.name, '(no project)')`,
    session: `COALESCE(u."sessionId", '(none)')`,
    runner: `COALESCE(u."runnerId"::text, '(none)')`,
  };
  const g = groupExpr[f.by];
  const order = ["day", "week", "month"].includes(f.by) ? "1 ASC" : "cost DESC NULLS LAST, total DESC";
  const rows = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `SELECT ${g} AS grp, sum(u."inputTokens") AS input, sum(u."outputTokens") AS output, sum(u."cacheWrite5mTokens") AS cw5,
            sum(u."cacheWrite1hTokens") AS cw1h, sum(u."cacheReadTokens") AS cread, sum(u."totalTokens") AS total,
            coalesce(sum(u."costUsd"), 0) AS cost, coalesce(sum(u."costUsd") FILTER (WHERE u."costEstimated"), 0) AS estimated, coalesce(sum(u."totalTokens") FILTER (WHERE u.unpriced), 0) AS unpriced, count(*) AS requests
       FROM "UsageRecord" u LEFT JOIN "Project" p ON p.id = u."projectId"
      WHERE $1::text IS NOT NULL AND ($2::uuid IS NULL OR u."projectId" = $2::uuid) AND ($3::uuid IS NULL OR u."runnerId" = $3::uuid)
        AND ($4::timestamp IS NULL OR u."occurredAt" >= $4::timestamp) AND ($5::timestamp IS NULL OR u."occurredAt" < $5::timestamp)
      GROUP BY 1 ORDER BY ${order} LIMIT ${Math.max(1, Math.min(1000, Math.floor(f.limit)))}`,
    f.timeZone,
    f.projectId ?? null,
    f.runnerId ?? null,
    f.since ?? null,
    f.until ?? null,
  );
  return rows.map((r) => ({
    group: String(r.grp),
    label: String(r.grp),
    inputTokens: Number(r.input),
    outputTokens: Number(r.output),
    cacheWrite5mTokens: Number(r.cw5),
    cacheWrite1hTokens: Number(r.cw1h),
    cacheReadTokens: Number(r.cread),
    totalTokens: Number(r.total),
    costUsd: Number(r.cost),
    estimatedCostUsd: Number(r.estimated),
    unpricedTokens: Number(r.unpriced),
    requests: Number(r.requests),
  }));
}
