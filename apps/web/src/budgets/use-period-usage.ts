"use client";
import { useQueries, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Budget } from "@stratavore/contracts";
import { useTRPC } from "../trpc";
import { dayKey } from "../usage/usage-dates";
import { budgetUsageScope } from "./budget-format";
import { needsSliceQueries, periodBuckets, type Bucket } from "./burndown-series";

export interface SliceSpend extends Bucket {
  tokens: number;
  usd: number;
}

/**
 * What the budget's scope spent in each slice of its current period. Weekly and monthly periods
 * come from one query by day; hourly and daily ones from one small query per elapsed slice
 * (batched into one request), since `usage.query` groups by day at the finest.
 */
export function usePeriodUsage(
  b: Budget,
  now: number,
): { slices: SliceSpend[] | null; isError: boolean; refetch: () => void } {
  const trpc = useTRPC();
  const scope = budgetUsageScope(b);
  const sliced = needsSliceQueries(b.period);
  const start = b.periodStart.getTime();
  const end = b.periodEnd.getTime();
  const buckets = useMemo(() => periodBuckets(b.period, new Date(start), new Date(end)), [b.period, start, end]);
  // Slices still in the future have spent nothing; only the elapsed ones are asked for.
  const elapsed = buckets.filter((s) => s.start.getTime() <= now);

  const byDay = useQuery(
    trpc.usage.query.queryOptions(
      { ...scope, since: new Date(start), until: new Date(end), by: "day", limit: 62 },
      { enabled: !sliced },
    ),
  );
  const perSlice = useQueries({
    queries: (sliced ? elapsed : []).map((s) =>
      trpc.usage.query.queryOptions({ ...scope, since: s.start, until: s.end, by: "month", limit: 2 }),
    ),
  });

  if (!sliced) {
    if (!byDay.data) return { slices: null, isError: byDay.isError, refetch: () => void byDay.refetch() };
    const days = new Map(byDay.data.rows.map((r) => [r.group, r]));
    return {
      slices: buckets.map((s) => ({
        ...s,
        tokens: days.get(dayKey(s.start))?.totalTokens ?? 0,
        usd: days.get(dayKey(s.start))?.costUsd ?? 0,
      })),
      isError: false,
      refetch: () => void byDay.refetch(),
    };
  }
  const failed = perSlice.some((q) => q.isError);
  const refetch = () => perSlice.forEach((q) => void q.refetch());
  if (failed || perSlice.some((q) => !q.data)) return { slices: null, isError: failed, refetch };
  return {
    slices: elapsed.map((s, i) => ({
      ...s,
      tokens: perSlice[i]?.data?.totals.totalTokens ?? 0,
      usd: perSlice[i]?.data?.totals.costUsd ?? 0,
    })),
    isError: false,
    refetch,
  };
}
