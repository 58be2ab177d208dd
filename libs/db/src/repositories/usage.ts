import type { UsageRecordInput } from "@stratavore/contracts";
import type { Tx } from "./tx.ts";
import { ROLLUP_SOURCE, rollupHours } from "./usage-rollup.ts";

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
 * inserts; a known key is replaced only by a line that wins over it — a larger total, or on
 * an equal total the main thread's line over a sidechain replay (UsageBatch's `replaces`) —
 * as a whole line, never a per-field max, and only by a line written for the same owner — the
 * same runner and session, or an import of the same project (rule 6: a runner's fork replaying
 * a response, or a node claiming another runner's, changes nothing; an imported fork holding a
 * response's larger line raises it, as the line wins "whatever its file", rule 2).
 * So a batch sent twice changes nothing. Rows must have distinct message ids. Returns the
 * keys that were inserted or replaced (grown, or a replay's place taken by its main line).
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
      "totalTokens", "costUsd", "priceVersion", unpriced, "costEstimated", "pricedAs", "isSidechain", "lineSessionId", "occurredAt", "createdAt")
    SELECT t.*, ${now}::timestamp FROM unnest(
      ${col("messageId")}::text[], ${col("messageId")}::text[], ${col("requestId")}::text[], ${col("sessionId")}::text[],
      ${col("runnerId")}::uuid[], ${col("projectId")}::uuid[], ${col("nodeId")}::uuid[], ${col("model")}::text[], ${col("serviceTier")}::text[], ${col("speed")}::text[],
      ${col("inputTokens")}::int8[], ${col("outputTokens")}::int8[], ${col("cacheWrite5mTokens")}::int8[], ${col("cacheWrite1hTokens")}::int8[], ${col("cacheReadTokens")}::int8[],
      ${col("webSearchRequests")}::int4[], ${col("webFetchRequests")}::int4[], ${col("totalTokens")}::int8[], ${col("costUsd")}::numeric[], ${col("priceVersion")}::text[],
      ${col("unpriced")}::bool[], ${col("costEstimated")}::bool[], ${col("pricedAs")}::text[], ${col("isSidechain")}::bool[],
      ${rows.map((r) => r.lineSessionId ?? null)}::text[], ${rows.map((r) => new Date(r.occurredAt))}::timestamp[]
    ) AS t
    ON CONFLICT ("usageKey") DO UPDATE SET
      model = EXCLUDED.model, "serviceTier" = EXCLUDED."serviceTier", speed = EXCLUDED.speed,
      "inputTokens" = EXCLUDED."inputTokens", "outputTokens" = EXCLUDED."outputTokens", "cacheWrite5mTokens" = EXCLUDED."cacheWrite5mTokens",
      "cacheWrite1hTokens" = EXCLUDED."cacheWrite1hTokens", "cacheReadTokens" = EXCLUDED."cacheReadTokens",
      "webSearchRequests" = EXCLUDED."webSearchRequests", "webFetchRequests" = EXCLUDED."webFetchRequests",
      "totalTokens" = EXCLUDED."totalTokens", "costUsd" = EXCLUDED."costUsd", "priceVersion" = EXCLUDED."priceVersion", unpriced = EXCLUDED.unpriced,
      "costEstimated" = EXCLUDED."costEstimated", "pricedAs" = EXCLUDED."pricedAs",
      "requestId" = EXCLUDED."requestId", "isSidechain" = EXCLUDED."isSidechain", "occurredAt" = EXCLUDED."occurredAt",
      "lineSessionId" = EXCLUDED."lineSessionId"
    WHERE (EXCLUDED."totalTokens" > "UsageRecord"."totalTokens"
        OR (EXCLUDED."totalTokens" = "UsageRecord"."totalTokens" AND "UsageRecord"."isSidechain" AND NOT EXCLUDED."isSidechain"))
      AND "UsageRecord"."runnerId" IS NOT DISTINCT FROM EXCLUDED."runnerId"
      AND ("UsageRecord"."sessionId" IS NOT DISTINCT FROM EXCLUDED."sessionId"
        -- Imports (no runner) of one project: a fork's copy may hold the larger line of a
        -- response; it wins, and the row stays with the session that counted it first.
        OR (EXCLUDED."runnerId" IS NULL AND EXCLUDED."projectId" IS NOT NULL AND "UsageRecord"."projectId" = EXCLUDED."projectId"))
    RETURNING "usageKey" AS key, (xmax = 0) AS inserted`;
}

/**
 * An import read a session's own file: responses of it that an earlier-read copy (a resumed or
 * forked session's file, repeating them under the first session's id) counted under the copy's
 * session move to it — whichever file an import happens to read first, each response ends in
 * the session its line names. Only rows no runner counted, of the session's own project (an
 * import must not pull spend out of another project's budgets), whose counted line names
 * `sessionId`; moved once (the row then sits where its line says), so importing again moves
 * nothing. Rows counted before lines' sessions were recorded (null) stay where they are.
 * Returns the keys moved.
 */
export async function moveImportedCopiesHome(
  db: Tx,
  home: { sessionId: string; projectId: string | null },
  messageIds: string[],
): Promise<string[]> {
  if (messageIds.length === 0) return [];
  const moved = await db.$queryRaw<Array<{ key: string }>>`
    UPDATE "UsageRecord" SET "sessionId" = ${home.sessionId}
     WHERE "usageKey" = ANY(${messageIds}::text[]) AND "runnerId" IS NULL
       AND "projectId" IS NOT DISTINCT FROM ${home.projectId}::uuid
       AND "lineSessionId" = ${home.sessionId} AND "sessionId" <> ${home.sessionId}
    RETURNING "usageKey" AS key`;
  return moved.map((m) => m.key);
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

export type UsageGroup =
  | "day"
  | "week"
  | "month"
  | "model"
  | "project"
  | "session"
  | "runner"
  | "all"
  /** "YYYY-MM-DD|model": a day's spend split by model (charts stack it). */
  | "day_model";

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
  /** Web searches (`server_tool_use`), priced apart from the tokens (WEB_SEARCH_USD each). */
  webSearchRequests: number;
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
  const hours = f.runnerId || f.by === "session" || f.by === "runner" ? null : rollupHours(f);
  // Whole hours come from the rollup kept at ingest; everything else scans the ledger.
  const timeGroup = f.by === "day" || f.by === "week" || f.by === "month";
  const src = hours
    ? timeGroup
      ? // Summed per hour first: the zone's calendar is then worked out once an hour, not once a row.
        `(SELECT at, NULL::uuid AS project_id, sum(input) AS input, sum(output) AS output, sum(cw5) AS cw5, sum(cw1h) AS cw1h,
                 sum(cread) AS cread, sum(total) AS total, sum(cost) AS cost, sum(estimated) AS estimated,
                 sum(unpriced) AS unpriced, sum(requests) AS requests, sum(searches) AS searches
            FROM (${ROLLUP_SOURCE}) AS s GROUP BY at) AS u`
      : `(${ROLLUP_SOURCE}) AS u`
    : `(SELECT u."occurredAt" AS at, u."projectId" AS project_id, u.model, u."sessionId" AS session_id, u."runnerId" AS runner_id,
               u."inputTokens" AS input, u."outputTokens" AS output, u."cacheWrite5mTokens" AS cw5, u."cacheWrite1hTokens" AS cw1h,
               u."cacheReadTokens" AS cread, u."totalTokens" AS total, coalesce(u."costUsd", 0) AS cost,
               CASE WHEN u."costEstimated" THEN coalesce(u."costUsd", 0) ELSE 0 END AS estimated,
               CASE WHEN u.unpriced THEN u."totalTokens" ELSE 0 END AS unpriced, 1 AS requests,
               u."webSearchRequests" AS searches
          FROM "UsageRecord" u
         WHERE ($2::uuid IS NULL OR u."projectId" = $2::uuid) AND ($3::uuid IS NULL OR u."runnerId" = $3::uuid)
           AND ($4::timestamp IS NULL OR u."occurredAt" >= $4::timestamp) AND ($5::timestamp IS NULL OR u."occurredAt" < $5::timestamp)) AS u`;
  const time = (unit: string) =>
    `to_char(date_trunc('${unit}', u.at AT TIME ZONE 'UTC' AT TIME ZONE $1::text), 'YYYY-MM-DD')`;
  const groupExpr: Record<UsageGroup, string> = {
    day: time("day"),
    week: time("week"),
    month: time("month"),
    all: "'total'",
    model: "u.model",
    project: `COALESCE(p.name, '(no project)')`,
    session: `COALESCE(u.session_id, '(none)')`,
    runner: `COALESCE(u.runner_id::text, '(none)')`,
    day_model: `${time("day")} || '|' || u.model`,
  };
  const g = groupExpr[f.by];
  // Day × model rows can outnumber the cap on a long range: keep the newest, return them in order.
  const order =
    f.by === "day_model"
      ? "1 DESC"
      : ["day", "week", "month"].includes(f.by)
        ? "1 ASC"
        : "cost DESC NULLS LAST, total DESC";
  const params = hours
    ? [f.timeZone, f.projectId ?? null, hours.start, hours.end, f.since ?? null, f.until ?? null]
    : [f.timeZone, f.projectId ?? null, f.runnerId ?? null, f.since ?? null, f.until ?? null];
  const rows = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `SELECT ${g} AS grp, sum(u.input) AS input, sum(u.output) AS output, sum(u.cw5) AS cw5, sum(u.cw1h) AS cw1h,
            sum(u.cread) AS cread, sum(u.total) AS total, coalesce(sum(u.cost), 0) AS cost,
            coalesce(sum(u.estimated), 0) AS estimated, coalesce(sum(u.unpriced), 0) AS unpriced, sum(u.requests) AS requests,
            coalesce(sum(u.searches), 0) AS searches
       FROM ${src} LEFT JOIN "Project" p ON p.id = u.project_id
      WHERE $1::text IS NOT NULL
      GROUP BY 1 ORDER BY ${order} LIMIT ${Math.max(1, Math.min(1000, Math.floor(f.limit)))}`,
    ...params,
  );
  if (f.by === "day_model") rows.reverse();
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
    webSearchRequests: Number(r.searches),
  }));
}

/** Titles of these sessions (those that have one), for reports that group by session. */
export async function sessionTitles(db: Tx, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.session.findMany({
    where: { id: { in: ids }, title: { not: null } },
    select: { id: true, title: true },
  });
  return new Map(rows.map((r) => [r.id, r.title ?? r.id]));
}
