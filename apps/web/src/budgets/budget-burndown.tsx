"use client";
import { useState } from "react";
import { usdOnlyLowerBound, type Budget } from "@stratavore/contracts";
import { ErrorState, LoadingState, formatTokens, formatUsd } from "@stratavore/ui";
import { BurndownChart } from "./burndown-chart";
import { burnSeries, defaultMetric, limitOf, limitReachedAt, type BurnMetric } from "./burndown-series";
import { usePeriodUsage } from "./use-period-usage";

const METRIC_LABELS: Record<BurnMetric, string> = { tokens: "Tokens", usd: "USD" };

/** The current period's spend against the limit, with where the present pace ends up. */
export function BudgetBurndown({ budget: b, now }: { budget: Budget; now: number }) {
  const [chosen, setChosen] = useState<BurnMetric | null>(null);
  const metric = chosen && limitOf(b, chosen) !== null ? chosen : defaultMetric(b);
  const usage = usePeriodUsage(b, now);
  const both = b.limitTokens !== null && b.limitUsd !== null;

  if (usage.isError) return <ErrorState message="Could not load this period's usage." onRetry={usage.refetch} />;
  if (!usage.slices) return <LoadingState />;

  const spend = usage.slices.map((s) => ({ end: s.end, value: metric === "usd" ? s.usd : s.tokens }));
  const { points, projectedEnd } = burnSeries(b, metric, spend, now);
  const limit = limitOf(b, metric);
  const format = metric === "usd" ? formatUsd : (v: number) => `${formatTokens(v)} tokens`;
  const hitsAt = limitReachedAt(b, metric, now);

  return (
    <div className="burndown">
      <div className="burndown-head">
        <span className="strong">Burn-down</span>
        {both ? (
          <div className="segmented" role="group" aria-label="Measure">
            {(["tokens", "usd"] as const).map((m) => (
              <button
                key={m}
                type="button"
                className={`segment ${m === metric ? "segment-on" : ""}`.trim()}
                aria-pressed={m === metric}
                onClick={() => setChosen(m)}
              >
                {METRIC_LABELS[m]}
              </button>
            ))}
          </div>
        ) : null}
      </div>
      <BurndownChart
        period={b.period}
        span={[b.periodStart.getTime(), b.periodEnd.getTime()]}
        metric={metric}
        points={points}
        limit={limit}
        warnAt={limit === null ? null : (limit * b.warnPercent) / 100}
      />
      <p className="muted small" data-testid="budget-projection">
        {projectedEnd === null
          ? "The period is just starting; no pace yet."
          : `At this pace: about ${format(projectedEnd)} by period end${limit ? ` (${metric === "usd" && usdOnlyLowerBound(b) ? "at least " : ""}${Math.round((projectedEnd / limit) * 100)}% of the limit)` : ""}.`}
        {hitsAt
          ? ` Reaches the limit around ${hitsAt.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" })}.`
          : null}
      </p>
    </div>
  );
}
