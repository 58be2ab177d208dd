"use client";
import { useQuery } from "@tanstack/react-query";
import type { Budget } from "@stratavore/contracts";
import { Alert } from "@stratavore/ui";
import { bySeverity } from "../budgets/budget-order";
import { useBudgets } from "../budgets/use-budgets";
import { useTRPC } from "../trpc";

/** Budgets that refuse launches in this project once spent: every global one, and the project's own. */
export function blockingBudgets(budgets: readonly Budget[], projectId: string): Budget[] {
  return bySeverity(budgets).filter(
    (b) =>
      b.enabled &&
      b.action === "block_launch" &&
      b.state !== "ok" &&
      (b.scope === "global" || (b.scope === "project" && b.scopeId === projectId)),
  );
}

/** In the launch dialog: a budget near or at its limit will refuse this launch or the next ones. */
export function LaunchBudgetWarning({ project }: { project: string }) {
  const trpc = useTRPC();
  const budgets = useBudgets();
  const detail = useQuery(trpc.projects.get.queryOptions({ ref: project }));
  const near = detail.data ? blockingBudgets(budgets.data ?? [], detail.data.id) : [];
  if (!near.length) return null;
  return (
    <Alert tone="warning">
      <span data-testid="launch-budget-warning">
        {near.map((b) => {
          const pct = Math.round(b.fraction * 100);
          return b.state === "exceeded" ? (
            <span key={b.id}>
              Budget <strong>{b.name}</strong> is at {pct} % of its {b.period} limit: it blocks launches until its
              period ends.{" "}
            </span>
          ) : (
            <span key={b.id}>
              Budget <strong>{b.name}</strong> is at {pct} % of its {b.period} limit; launches are refused once it
              reaches 100 %.{" "}
            </span>
          );
        })}
      </span>
    </Alert>
  );
}
