import { budgetsCovering, spendSince, type Tx } from "@stratavore/db";
import { budgetView, scopeLabelOf } from "../budgets/policy/budget-view.ts";
import { usedOf } from "../budgets/policy/checks.ts";

/** How far back the burn rate looks. */
export const BURN_WINDOW_MS = 15 * 60_000;

export interface BudgetOutlook {
  budget: string;
  /** used + burn × time left in the period, in the budget's units. */
  projected: number;
  limit: number;
  unit: "tokens" | "usd";
  /** Per minute, over the burn window. */
  burnPerMinute: number;
}

/**
 * Why a pool must not grow for budgets, or null: a budget over the project that is exceeded,
 * or that the last 15 minutes' burn would carry past its limit before its period ends
 * (projected = used + burn rate × time left). Runner-scoped budgets do not limit a pool.
 */
export async function budgetHold(
  db: Tx,
  projectId: string,
  now: Date,
): Promise<{ reason: string; outlook: BudgetOutlook | null } | null> {
  for (const row of await budgetsCovering(db, [projectId], [])) {
    if (row.scope === "runner") continue;
    const view = await budgetView(db, row, await scopeLabelOf(db, row), now);
    if (view.state === "exceeded")
      return { reason: `budget '${view.name}' is exceeded (${usedOf(view)})`, outlook: null };
    const since = new Date(Math.max(view.periodStart.getTime(), now.getTime() - BURN_WINDOW_MS));
    const minutes = (now.getTime() - since.getTime()) / 60_000;
    if (minutes <= 0) continue;
    const recent = await spendSince(db, { since, projectId: row.scope === "project" ? projectId : undefined });
    const left = (view.periodEnd.getTime() - now.getTime()) / 60_000;
    const checks = [
      { unit: "tokens" as const, limit: view.limitTokens, used: view.usedTokens, burn: recent.tokens / minutes },
      { unit: "usd" as const, limit: view.limitUsd, used: view.usedUsd, burn: recent.usd / minutes },
    ];
    for (const c of checks) {
      if (c.limit === null || c.burn <= 0) continue;
      const projected = c.used + c.burn * left;
      if (projected <= c.limit) continue;
      const fmt = (v: number) =>
        c.unit === "usd" ? `$${v.toFixed(2)}` : `${Math.round(v).toLocaleString("en-US")} tokens`;
      return {
        reason:
          `budget '${view.name}' would reach ${fmt(projected)} of ${fmt(c.limit)} by ${view.periodEnd.toISOString()} ` +
          `at the last ${Math.max(1, Math.round(minutes))} min's burn (${fmt(c.burn)}/min)`,
        outlook: { budget: view.name, projected, limit: c.limit, unit: c.unit, burnPerMinute: c.burn },
      };
    }
  }
  return null;
}
