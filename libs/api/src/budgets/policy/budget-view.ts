import type { Budget } from "@stratavore/contracts";
import { type BudgetRow, projectNameOf, spendSince, type Tx } from "@stratavore/db";
import { currentWindow, windowUses } from "./window-blocks.ts";
import { periodBounds } from "./period.ts";

/** A budget's current period: a calendar one, or its scope's current 5-hour usage window. */
async function boundsOf(db: Tx, row: BudgetRow, now: Date): Promise<{ start: Date; end: Date }> {
  if (row.period !== "five_hour") return periodBounds(row.period, now);
  const scope =
    row.scope === "project" && row.scopeId
      ? { projectId: row.scopeId }
      : row.scope === "runner" && row.scopeId
        ? { runnerId: row.scopeId }
        : {};
  return currentWindow(await windowUses(db, scope, now), now);
}

/** A budget with its current-period usage, computed from the ledger (never a stored counter). */
export async function budgetView(db: Tx, row: BudgetRow, scopeLabel: string, now = new Date()): Promise<Budget> {
  const { start, end } = await boundsOf(db, row, now);
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
