import type { Budget } from "@stratavore/contracts";
import { type BudgetRow, projectNameOf, spendSince, type Tx } from "@stratavore/db";
import { periodBounds } from "./period.ts";

/** A budget with its current-period usage, computed from the ledger (never a stored counter). */
export async function budgetView(db: Tx, row: BudgetRow, scopeLabel: string, now = new Date()): Promise<Budget> {
  const { start, end } = periodBounds(row.period, now);
  const used = await spendSince(db, {
    since: start,
    projectId: row.scope === "project" ? (row.scopeId ?? undefined) : undefined,
    runnerId: row.scope === "runner" ? (row.scopeId ?? undefined) : undefined,
  });
  const limitTokens = row.limitTokens === null ? null : Number(row.limitTokens);
  const limitUsd = row.limitUsd === null ? null : Number(row.limitUsd);
  const fraction = Math.max(limitTokens ? used.tokens / limitTokens : 0, limitUsd ? used.usd / limitUsd : 0);
  const state = fraction >= 1 ? "exceeded" : fraction * 100 >= row.warnPercent ? "warning" : "ok";
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    scopeId: row.scopeId,
    scopeLabel,
    period: row.period,
    limitTokens,
    limitUsd,
    warnPercent: row.warnPercent,
    action: row.action,
    enabled: row.enabled,
    periodStart: start,
    periodEnd: end,
    usedTokens: used.tokens,
    usedUsd: used.usd,
    estimatedUsd: used.estimatedUsd,
    unpricedTokens: used.unpricedTokens,
    fraction,
    state,
    createdAt: row.createdAt,
  };
}

export async function scopeLabelOf(db: Tx, row: Pick<BudgetRow, "scope" | "scopeId">): Promise<string> {
  if (row.scope === "global" || !row.scopeId) return "all projects";
  if (row.scope === "project") return `project ${(await projectNameOf(db, row.scopeId)) ?? row.scopeId}`;
  return `runner ${row.scopeId.slice(0, 8)}`;
}
