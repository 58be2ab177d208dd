"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "../trpc";

/** setTimeout's ceiling (~24.8 days); a monthly reset further out is re-armed after a refetch. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The budget list, kept live by `budget:update`. No event announces a period rolling over
 * (usage simply restarts from zero), so the list refetches itself when the earliest period ends.
 */
export function useBudgets() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const budgets = useQuery(trpc.budgets.list.queryOptions());
  const nextReset =
    budgets.data?.reduce<number | null>(
      (min, b) => (min === null || b.periodEnd.getTime() < min ? b.periodEnd.getTime() : min),
      null,
    ) ?? null;
  useEffect(() => {
    if (nextReset === null) return;
    const timer = setTimeout(
      () => void qc.invalidateQueries({ queryKey: trpc.budgets.list.queryKey() }),
      Math.min(MAX_TIMER_MS, Math.max(1000, nextReset - Date.now() + 1000)),
    );
    return () => clearTimeout(timer);
  }, [nextReset, qc, trpc]);
  return budgets;
}
