import type { RunnerStatus } from "@stratavore/contracts";
import type { Tx } from "./tx.ts";

/** Where a budget's stopping action reaches: the runners of its scope in these statuses. */
export async function runnerIdsInScope(
  db: Tx,
  scope: { scope: "global" | "project" | "runner"; scopeId: string | null },
  statuses: RunnerStatus[],
): Promise<string[]> {
  const where =
    scope.scope === "global"
      ? {}
      : scope.scope === "project"
        ? { projectId: scope.scopeId ?? "" }
        : { id: scope.scopeId ?? "" };
  const rows = await db.runner.findMany({ where: { ...where, status: { in: statuses } }, select: { id: true } });
  return rows.map((r) => r.id);
}

/**
 * Runners that share a budget's remainder: running and starting ones, and ones a budget paused
 * (thawed when their budget lets go, they carry a fresh allowance). All of them, or only
 * those of `projectIds`.
 */
export function spendingRunners(db: Tx, projectIds?: string[]) {
  return db.runner.findMany({
    where: {
      OR: [{ status: { in: ["running", "starting"] } }, { status: "paused", pausedByBudgetId: { not: null } }],
      ...(projectIds ? { projectId: { in: projectIds } } : {}),
    },
    select: { id: true, projectId: true, nodeId: true },
  });
}

/** Projects with a running or paused runner. */
export async function projectsWithLiveRunners(db: Tx): Promise<string[]> {
  const rows = await db.runner.findMany({
    where: { status: { in: ["running", "paused"] } },
    select: { projectId: true },
    distinct: ["projectId"],
  });
  return rows.map((r) => r.projectId);
}

/** Runners paused by a budget (by these budgets only, when given). */
export function budgetPausedRunners(db: Tx, budgetIds?: string[]) {
  return db.runner.findMany({
    where: { status: "paused", pausedByBudgetId: budgetIds ? { in: budgetIds } : { not: null } },
    select: { id: true, pausedByBudgetId: true, nodeId: true, projectId: true },
  });
}

/** Another budget still holds a paused runner: the pause becomes that budget's. */
export async function reassignBudgetPause(db: Tx, runnerId: string, budgetId: string, reason: string): Promise<void> {
  await db.runner.updateMany({
    where: { id: runnerId, status: "paused" },
    data: { pausedByBudgetId: budgetId, pauseReason: reason },
  });
}

/**
 * Each runner's ledger spend since its current process started (an earlier incarnation's
 * usage is not in what its agent counts either).
 */
export async function spendSinceStart(
  db: Tx,
  runnerIds: string[],
): Promise<Map<string, { tokens: number; usd: number }>> {
  const rows = await db.$queryRaw<Array<{ id: string; tokens: bigint; usd: unknown }>>`
    SELECT u."runnerId"::text AS id, sum(u."totalTokens") AS tokens, coalesce(sum(u."costUsd"), 0) AS usd
      FROM "UsageRecord" u JOIN "Runner" r ON r.id = u."runnerId"
     WHERE u."runnerId" = ANY(${runnerIds}::uuid[]) AND u."occurredAt" >= coalesce(r."startedAt", r."createdAt")
     GROUP BY 1`;
  return new Map(rows.map((r) => [r.id, { tokens: Number(r.tokens), usd: Number(r.usd) }]));
}
