"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { CostFigure, StatTile, costCaveat, formatCount, formatRatio, formatTokens } from "@stratavore/ui";
import { useBudgets } from "../budgets/use-budgets";
import { isAtRisk } from "../realtime/budget-cache";
import { useTRPC } from "../trpc";

/** Events refresh the summary; this catches midnight and imported history, which announce nothing. */
const SUMMARY_POLL_MS = 60_000;

const pending = (isError: boolean) => (isError ? "?" : "…");

/** Today's spend (tokens, dollars, cache hits) and the budgets that need a look, live. */
export function SpendTiles() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.usage.summary.queryOptions(undefined, { refetchInterval: SUMMARY_POLL_MS }));
  const budgets = useBudgets();
  const s = summary.data;
  const atRisk = budgets.data?.filter(isAtRisk) ?? [];
  const exceeded = atRisk.filter((b) => b.state === "exceeded").length;
  const enabled = budgets.data?.filter((b) => b.enabled).length ?? 0;
  return (
    <>
      <Link href="/usage" className="tile-link" data-testid="tile-tokens-today">
        <StatTile
          label="Tokens today"
          value={s ? formatTokens(s.todayTokens) : pending(summary.isError)}
          hint={s ? `${formatCount(s.todayTokens)} incl. cache` : undefined}
        />
      </Link>
      <Link href="/usage" className="tile-link" data-testid="tile-cost-today">
        <StatTile
          label="Cost today"
          value={
            s ? (
              <CostFigure usd={s.todayCostUsd} unpriced={s.todayUnpricedTokens} estimated={s.todayEstimatedCostUsd} />
            ) : (
              pending(summary.isError)
            )
          }
          hint={s ? (costCaveat(s.todayUnpricedTokens, s.todayEstimatedCostUsd) ?? undefined) : undefined}
        />
      </Link>
      <Link href="/usage" className="tile-link" data-testid="tile-cache-hit">
        <StatTile
          label="Cache hit ratio"
          value={s ? formatRatio(s.cacheHitRatio) : pending(summary.isError)}
          hint="input read from cache, today"
        />
      </Link>
      <Link href="/budgets" className="tile-link" data-testid="tile-budgets-at-risk">
        <StatTile
          label="Budgets at risk"
          value={budgets.data ? atRisk.length : pending(budgets.isError)}
          hint={budgets.data ? (exceeded ? `${exceeded} over the limit` : `of ${enabled} enabled`) : undefined}
        />
      </Link>
    </>
  );
}
