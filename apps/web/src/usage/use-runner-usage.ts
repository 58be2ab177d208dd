"use client";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import { formatCost, formatTokens } from "@stratavore/ui";
import { useRunnerUsageStore } from "../realtime/realtime-provider";
import type { RunnerUsage } from "../realtime/runner-usage-store";
import { useTRPC } from "../trpc";

/** Most runners a list seeds at once; runners past it (the cheapest) show "—" until an event. */
const SEED_LIMIT = 1000;
/** `usage.query` by runner labels spend with no runner (imported history) like this. */
export const NO_RUNNER = "(none)";

/**
 * Seeds the runner usage store with all-time totals for a project's runners (or one runner, or
 * all). Returns whether the seed is complete: then a runner missing from it has spent nothing.
 */
export function useRunnerUsageSeed(scope: { project?: string; runnerId?: string }): { complete: boolean } {
  const trpc = useTRPC();
  const store = useRunnerUsageStore();
  const limit = scope.runnerId ? 1 : SEED_LIMIT;
  const seed = useQuery(
    trpc.usage.query.queryOptions({ by: "runner", project: scope.project, runnerId: scope.runnerId, limit }),
  );
  useEffect(() => {
    if (!seed.data) return;
    store.set(
      seed.data.rows
        .filter((r) => r.group !== NO_RUNNER)
        .map((r) => ({
          runnerId: r.group,
          totalTokens: r.totalTokens,
          costUsd: r.costUsd ?? 0,
          unpricedTokens: r.unpricedTokens,
        })),
    );
  }, [seed.data, store]);
  return { complete: Boolean(seed.data && seed.data.rows.length < limit) };
}

/** One runner's live totals; re-renders only when that runner's figures change. */
export function useRunnerUsage(runnerId: string): RunnerUsage | undefined {
  const store = useRunnerUsageStore();
  return useSyncExternalStore(
    store.subscribe,
    () => store.get(runnerId),
    () => undefined,
  );
}

/**
 * Pushed totals do not say how much is unpriced; when we never learnt it, a spend with tokens
 * but no dollars can only be unpriced, so it is shown as such rather than as $0.
 */
export function runnerCostLabel(u: RunnerUsage): string {
  const unpriced = u.unpricedTokens ?? (u.costUsd === 0 ? u.totalTokens : 0);
  return formatCost(u.costUsd, unpriced);
}

export const runnerTokensLabel = (u: RunnerUsage) => formatTokens(u.totalTokens);
