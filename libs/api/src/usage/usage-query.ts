import { AppError, emptyUsageRow, usageQueryOutput, type UsageRow } from "@stratavore/contracts";
import { aggregateUsage, findProject, sessionTitles, type UsageGroup } from "@stratavore/db";
import { periodBounds } from "../budgets/policy/period.ts";
import type { ApiDeps } from "../deps.ts";
import { USAGE_CACHE } from "../cache/read-cache.ts";
import { schemaFingerprint } from "../cache/schema-fingerprint.ts";

const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function sumRows(rows: UsageRow[]): UsageRow {
  const total = emptyUsageRow("total", "Total");
  for (const r of rows)
    for (const k of [
      "inputTokens",
      "outputTokens",
      "cacheWrite5mTokens",
      "cacheWrite1hTokens",
      "cacheReadTokens",
      "totalTokens",
      "costUsd",
      "estimatedCostUsd",
      "unpricedTokens",
      "requests",
      "webSearchRequests",
    ] as const)
      total[k] += r[k] ?? 0;
  return total;
}

/**
 * DESIGN §3 rule 4: a row all of whose tokens are unpriced costs null dollars, never $0; one
 * with estimated dollars in it says so.
 */
function priceMarks(r: Omit<UsageRow, "costEstimated">): UsageRow {
  const marked = { ...r, costEstimated: r.estimatedCostUsd > 0 };
  return r.unpricedTokens > 0 && r.unpricedTokens === r.totalTokens ? { ...marked, costUsd: null } : marked;
}

export async function queryUsage(
  deps: ApiDeps,
  input: { project?: string; runnerId?: string; since?: Date; until?: Date; by: UsageGroup; limit: number },
) {
  let projectId: string | undefined;
  if (input.project) {
    const p = await findProject(deps.db, input.project);
    if (!p) throw new AppError("NOT_FOUND", `No project '${input.project}'.`);
    projectId = p.id;
  }
  const filter = { projectId, runnerId: input.runnerId, since: input.since, until: input.until, timeZone: TIME_ZONE };
  const compute = async () => {
    // Totals over the whole range, not just the rows that fit the limit.
    const [grouped, [all]] = await Promise.all([
      aggregateUsage(deps.db, { ...filter, by: input.by, limit: input.limit }),
      aggregateUsage(deps.db, { ...filter, by: "all", limit: 1 }),
    ]);
    // Sessions read by their titles (the id stays the group, for links).
    const titles =
      input.by === "session"
        ? await sessionTitles(
            deps.db,
            grouped.map((r) => r.group),
          )
        : null;
    const rows = titles ? grouped.map((r) => ({ ...r, label: titles.get(r.group) ?? r.label })) : grouped;
    return {
      rows: rows.map(priceMarks),
      totals: priceMarks(all ? { ...all, group: "total", label: "Total" } : sumRows([])),
    };
  };
  // Ranged reports are the hot reads of open dashboards (refetched every 10 s while anyone
  // spends); a live runner's own all-time figures are kept current by events and not cached.
  if (!deps.readCache || !input.since) return compute();
  const key = JSON.stringify([
    REPORT_SHAPE,
    TIME_ZONE,
    projectId ?? null,
    input.runnerId ?? null,
    input.since,
    input.until ?? null,
    input.by,
    input.limit,
  ]);
  return deps.readCache.through(USAGE_CACHE, key, REPORT_CACHE_MS, compute);
}

/** Answers of another shape (an instance of another version, mid-upgrade) are not this one's. */
const REPORT_SHAPE = schemaFingerprint(usageQueryOutput);

/** An answer is shared this long at most; every publication of new spend invalidates sooner. */
const REPORT_CACHE_MS = 5_000;

/** Dashboard tiles: today's tokens and dollars, and how much input came from the cache. */
export async function usageSummary(deps: ApiDeps, now = new Date()) {
  const { start } = periodBounds("daily", now);
  const [today] = await aggregateUsage(deps.db, { by: "all", since: start, timeZone: TIME_ZONE, limit: 1 });
  const read = today?.cacheReadTokens ?? 0;
  const inputSide =
    read + (today?.inputTokens ?? 0) + (today?.cacheWrite5mTokens ?? 0) + (today?.cacheWrite1hTokens ?? 0);
  return {
    todayTokens: today?.totalTokens ?? 0,
    todayCostUsd: today?.costUsd ?? 0,
    todayEstimatedCostUsd: today?.estimatedCostUsd ?? 0,
    todayUnpricedTokens: today?.unpricedTokens ?? 0,
    cacheHitRatio: inputSide ? read / inputSide : null,
  };
}
