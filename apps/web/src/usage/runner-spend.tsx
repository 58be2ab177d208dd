"use client";
import { formatCount } from "@stratavore/ui";
import { runnerCostLabel, useRunnerUsage, useRunnerUsageSeed } from "./use-runner-usage";

/** A runner's all-time tokens and cost as <dt>/<dd> pairs, live from `usage:update`. */
export function RunnerSpendDetails({ runnerId }: { runnerId: string }) {
  const { complete } = useRunnerUsageSeed({ runnerId });
  const usage = useRunnerUsage(runnerId);
  const blank = complete ? "none yet" : "…";
  return (
    <>
      <dt>Tokens</dt>
      <dd data-testid="runner-detail-tokens">
        {usage ? formatCount(usage.totalTokens) : <span className="muted">{blank}</span>}
      </dd>
      <dt>Cost</dt>
      <dd data-testid="runner-detail-cost">
        {usage ? runnerCostLabel(usage) : <span className="muted">{blank}</span>}
      </dd>
    </>
  );
}
