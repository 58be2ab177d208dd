import type { Query, QueryClient } from "@tanstack/react-query";
import type { ServerEventPayload } from "@stratavore/contracts";
import type { useTRPC } from "../trpc";
import { applyBudgetUpsert } from "./budget-cache";
import { EventSeqGuard } from "./event-seq-guard";
import { reviveBudget } from "./revive-dates";
import type { RunnerUsageStore } from "./runner-usage-store";
import { throttle } from "./throttle";

type Trpc = ReturnType<typeof useTRPC>;

/** The input of a cached `usage.query`, read from its tRPC key ([["usage","query"], { input }]). */
interface UsageQueryInput {
  project?: string;
  runnerId?: string;
  since?: Date;
  by?: string;
}
const usageInputOf = (q: Query) => (q.queryKey[1] as { input?: UsageQueryInput } | undefined)?.input;

/** All-time per-runner totals: the runner usage store's seeds, which events already keep current. */
const isRunnerSeed = (input: UsageQueryInput | undefined) => input?.by === "runner" && !input.since;

/** A project's all-time totals (its page's tiles), keyed by project id. */
const isProjectTotal = (input: UsageQueryInput | undefined) => input?.by === "project" && !input.since;

/** A ranged report (the Usage page's cards, burn-downs): heavy, and refreshed on spend at the pace below. */
const isReport = (input: UsageQueryInput | undefined) => Boolean(input?.since);

/** Reports (charts, tables, burn-downs) are heavier than the tiles: they refresh at this pace at most. */
const REPORT_REFRESH_MS = 10_000;
const TILE_REFRESH_MS = 1_000;

/**
 * Spend events → caches. `usage:update` carries per-runner totals (set into the runner usage
 * store) and invalidates the figures derived from them, throttled; `budget:update` carries a
 * whole budget view and is placed in the budget caches in place.
 */
export function createUsageSync(qc: QueryClient, trpc: Trpc, runnerUsage: RunnerUsageStore) {
  const usageSeq = new EventSeqGuard();
  const budgetSeq = new EventSeqGuard();
  const touchedProjects = new Set<string>();

  const refreshSummary = throttle(
    () => void qc.invalidateQueries({ queryKey: trpc.usage.summary.queryKey() }),
    TILE_REFRESH_MS,
  );

  // A project's own tiles (all-time usage.query by project id) and its detail (stats, last activity).
  const refreshProjects = throttle(() => {
    const ids = new Set(touchedProjects);
    touchedProjects.clear();
    void qc.invalidateQueries({
      queryKey: trpc.usage.query.pathKey(),
      predicate: (q) => {
        const input = usageInputOf(q);
        return isProjectTotal(input) && ids.has(input?.project ?? "");
      },
    });
    void qc.invalidateQueries({
      queryKey: trpc.projects.get.pathKey(),
      predicate: (q) => ids.has((q.state.data as { id?: string } | undefined)?.id ?? ""),
    });
  }, TILE_REFRESH_MS);

  const refreshReports = throttle(
    () =>
      void qc.invalidateQueries({
        queryKey: trpc.usage.query.pathKey(),
        predicate: (q) => !isRunnerSeed(usageInputOf(q)),
      }),
    REPORT_REFRESH_MS,
  );

  return {
    usageUpdate({ seq, items }: ServerEventPayload<"usage:update">) {
      const fresh = items.filter((i) => usageSeq.fresh(i.runnerId, seq));
      if (!fresh.length) return;
      runnerUsage.set(fresh);
      for (const i of fresh) touchedProjects.add(i.projectId);
      refreshProjects();
      refreshSummary();
      refreshReports();
    },

    budgetUpdate({ seq, budget }: ServerEventPayload<"budget:update">) {
      if (!budgetSeq.fresh(budget.id, seq)) return;
      applyBudgetUpsert(qc, reviveBudget(budget));
      refreshSummary();
    },

    /**
     * Called on every (re)connect: spend that moved while offline is only in a fresh read. On a
     * page's first connect the reports it just loaded (or is loading) are kept: asking for them
     * again at once doubled the Usage page's load; those read before the subscription are read
     * again REPORT_REFRESH_MS later. The tiles and budgets, cheap and exact, are always read again.
     */
    async backfill(firstConnect: boolean) {
      // Reports read before the subscription may miss spend made in between: read them again
      // once, later, unless something refreshed them since — not at once, beside their load.
      if (firstConnect) {
        const subscribedAt = Date.now();
        setTimeout(
          () =>
            void qc.invalidateQueries({
              queryKey: trpc.usage.query.pathKey(),
              predicate: (q) => isReport(usageInputOf(q)) && q.state.dataUpdatedAt <= subscribedAt,
            }),
          REPORT_REFRESH_MS,
        );
      }
      await Promise.all([
        qc.invalidateQueries({
          queryKey: trpc.usage.pathKey(),
          predicate: (q) => !firstConnect || !isReport(usageInputOf(q)),
        }),
        qc.invalidateQueries({ queryKey: trpc.budgets.pathKey() }),
      ]);
    },
  };
}
