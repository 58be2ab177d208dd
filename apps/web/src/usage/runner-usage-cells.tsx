"use client";
import { formatCount } from "@stratavore/ui";
import { runnerCostLabel, runnerTokensLabel, useRunnerUsage } from "./use-runner-usage";

/** The "Tokens" and "Cost" cells of a runner row: live totals, "—" for none, "…" while unknown. */
export function RunnerUsageCells({ runnerId, seeded }: { runnerId: string; seeded: boolean }) {
  const usage = useRunnerUsage(runnerId);
  const blank = seeded ? "—" : "…";
  return (
    <>
      <td
        className="num hide-sm"
        data-testid="runner-tokens"
        title={usage ? `${formatCount(usage.totalTokens)} tokens` : undefined}
      >
        {usage ? runnerTokensLabel(usage) : blank}
      </td>
      <td className="num nowrap" data-testid="runner-cost">
        {usage ? runnerCostLabel(usage) : blank}
      </td>
    </>
  );
}
