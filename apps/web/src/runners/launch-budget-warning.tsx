"use client";
import { useQuery } from "@tanstack/react-query";
import { LAUNCH_BLOCKING_ACTIONS, type Budget } from "@stratavore/contracts";
import { Alert } from "@stratavore/ui";
import { usedShare } from "../budgets/budget-format";
import { bySeverity } from "../budgets/budget-order";
import { useBudgets } from "../budgets/use-budgets";
import { useTRPC } from "../trpc";

/**
 * Budgets that refuse launches in this project once spent (block, pause or terminate — the
 * server's launch check), near or at their limit: every global one, and the project's own.
 */
export function blockingBudgets(budgets: readonly Budget[], projectId: string): Budget[] {
  return bySeverity(budgets).filter(
    (b) =>
      b.enabled &&
      LAUNCH_BLOCKING_ACTIONS.includes(b.action) &&
      b.state !== "ok" &&
      (b.scope === "global" || (b.scope === "project" && b.scopeId === projectId)),
  );
}

/** The budgets near or at their limit that refuse launches in this project (live: budgets follow usage). */
export function useBlockingBudgets(project: string): Budget[] {
  const trpc = useTRPC();
  const budgets = useBudgets();
  const detail = useQuery(trpc.projects.get.queryOptions({ ref: project }));
  return detail.data ? blockingBudgets(budgets.data ?? [], detail.data.id) : [];
}

/** The first exceeded one: the server would refuse a launch now (BUDGET_BLOCKED). */
export const exceededBudget = (near: readonly Budget[]): Budget | null =>
  near.find((b) => b.state === "exceeded") ?? null;

/** In the launch dialog: a budget near or at its limit will refuse this launch or the next ones. */
export function LaunchBudgetWarning({ near }: { near: readonly Budget[] }) {
  if (!near.length) return null;
  return (
    <Alert tone="warning">
      <span data-testid="launch-budget-warning">
        {near.map((b) => {
          const pct = usedShare(b);
          return b.state === "exceeded" ? (
            <span key={b.id}>
              Budget <strong>{b.name}</strong> has used {pct} of its {b.period} limit: it blocks launches here until its
              period ends or an admin raises it.{" "}
            </span>
          ) : (
            <span key={b.id}>
              Budget <strong>{b.name}</strong> has used {pct} of its {b.period} limit; launches are refused once it
              reaches 100 %.{" "}
            </span>
          );
        })}
      </span>
    </Alert>
  );
}
