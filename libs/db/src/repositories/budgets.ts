import type { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

export const budgetRowSelect = {
  id: true,
  name: true,
  scope: true,
  scopeId: true,
  period: true,
  limitTokens: true,
  limitUsd: true,
  warnPercent: true,
  action: true,
  enabled: true,
  warnedPeriod: true,
  trippedPeriod: true,
  createdAt: true,
} satisfies Prisma.BudgetSelect;
export type BudgetRow = Prisma.BudgetGetPayload<{ select: typeof budgetRowSelect }>;

export const listBudgetRows = (db: Tx) =>
  db.budget.findMany({ select: budgetRowSelect, orderBy: { createdAt: "asc" } });
export const findBudgetRow = (db: Tx, id: string) => db.budget.findUnique({ where: { id }, select: budgetRowSelect });

/** Enabled budgets that cover a project and/or runners: the global ones plus their own. */
export function budgetsCovering(db: Tx, projectIds: string[], runnerIds: string[]) {
  return db.budget.findMany({
    where: {
      enabled: true,
      OR: [
        { scope: "global" },
        { scope: "project", scopeId: { in: projectIds } },
        { scope: "runner", scopeId: { in: runnerIds } },
      ],
    },
    select: budgetRowSelect,
  });
}

export function insertBudget(db: Tx, data: Prisma.BudgetUncheckedCreateInput) {
  return db.budget.create({ data, select: budgetRowSelect });
}

export function updateBudgetRow(db: Tx, id: string, data: Prisma.BudgetUncheckedUpdateInput) {
  return db.budget.update({ where: { id }, data, select: budgetRowSelect });
}

export async function deleteBudgetRow(db: Tx, id: string): Promise<void> {
  await db.budget.delete({ where: { id } });
}

/** Per-runner totals from the ledger, for live counters. */
export async function runnerTotals(db: Tx, runnerIds: string[]) {
  if (runnerIds.length === 0) return [];
  // With the unpriced part: a live figure that left it out showed the first one for ever.
  const rows = await db.$queryRaw<
    { runnerId: string; projectId: string; total: bigint; cost: unknown; unpriced: bigint }[]
  >`
    SELECT "runnerId"::text AS "runnerId", "projectId"::text AS "projectId", sum("totalTokens") AS total,
           coalesce(sum("costUsd"), 0) AS cost, coalesce(sum("totalTokens") FILTER (WHERE unpriced), 0) AS unpriced
      FROM "UsageRecord"
     WHERE "runnerId" = ANY(${runnerIds}::uuid[]) AND "projectId" IS NOT NULL
     GROUP BY "runnerId", "projectId"`;
  return rows.map((r) => ({
    runnerId: r.runnerId,
    projectId: r.projectId,
    totalTokens: Number(r.total),
    costUsd: Number(r.cost),
    unpricedTokens: Number(r.unpriced),
  }));
}

/**
 * Marks a budget warned or tripped for the period starting `start`; true only for the caller
 * that made the change, so concurrent evaluations audit each threshold once per period.
 */
export async function claimBudgetThreshold(
  db: Tx,
  id: string,
  field: "warnedPeriod" | "trippedPeriod",
  start: Date,
): Promise<boolean> {
  const { count } = await db.budget.updateMany({
    where: { id, OR: [{ [field]: null }, { [field]: { not: start } }] },
    data: { [field]: start },
  });
  return count === 1;
}

export async function budgetName(db: Tx, id: string): Promise<string | null> {
  return (await db.budget.findUnique({ where: { id }, select: { name: true } }))?.name ?? null;
}
