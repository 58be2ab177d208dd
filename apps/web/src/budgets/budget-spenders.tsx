"use client";
import { useQuery } from "@tanstack/react-query";
import type { Budget, UsageRow } from "@stratavore/contracts";
import { EmptyState, ErrorState, LoadingState, costCaveat, formatCost, formatTokens } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useTRPC } from "../trpc";
import { SpenderName } from "../usage/top-spenders-table";
import { budgetUsageScope } from "./budget-format";

const LIMIT = 10;

/** Which runners spent this period's budget (within its scope), biggest first. */
export function BudgetSpenders({ budget: b }: { budget: Budget }) {
  const trpc = useTRPC();
  const spenders = useQuery(
    trpc.usage.query.queryOptions({
      ...budgetUsageScope(b),
      since: b.periodStart,
      until: b.periodEnd,
      by: "runner",
      limit: LIMIT,
    }),
  );
  if (spenders.isPending) return <LoadingState />;
  if (spenders.isError) return <ErrorState {...errorMessage(spenders.error)} onRetry={() => spenders.refetch()} />;
  if (spenders.data.rows.length === 0) return <EmptyState title="Nothing spent this period" />;
  const share = (r: UsageRow) =>
    b.usedUsd > 0 && b.limitUsd !== null
      ? (r.costUsd ?? 0) / b.usedUsd
      : b.usedTokens > 0
        ? r.totalTokens / b.usedTokens
        : 0;
  return (
    <div className="table-wrap table-flat" tabIndex={0} role="region" aria-label="Scrollable table">
      <table className="table" data-testid="budget-spenders">
        <thead>
          <tr>
            <th>Runner</th>
            <th className="num">Tokens</th>
            <th className="num">Cost</th>
            <th className="num hide-sm">Share</th>
          </tr>
        </thead>
        <tbody>
          {spenders.data.rows.map((r) => (
            <tr key={r.group}>
              <td>
                <SpenderName row={r} kind="runner" />
              </td>
              <td className="num">{formatTokens(r.totalTokens)}</td>
              <td className="num nowrap" title={costCaveat(r.unpricedTokens, r.estimatedCostUsd) ?? undefined}>
                {formatCost(r.costUsd, r.unpricedTokens, r.estimatedCostUsd)}
              </td>
              <td className="num hide-sm">{Math.round(Math.min(1, share(r)) * 100)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
