import type { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

export interface WindowScope {
  projectId?: string;
  runnerId?: string;
  /** Only usage made on these nodes; undefined = every node. */
  nodeIds?: string[];
}

const whereOf = (s: WindowScope, since: Date): Prisma.UsageRecordWhereInput => ({
  occurredAt: { gte: since },
  ...(s.projectId ? { projectId: s.projectId } : {}),
  ...(s.runnerId ? { runnerId: s.runnerId } : {}),
  ...(s.nodeIds ? { nodeId: { in: s.nodeIds } } : {}),
});

/**
 * Where the current run of use began: the latest use in scope since `since` that came five hours
 * or more after the one before it (or the first one since `since`). 5-hour blocks chain from
 * there, so the block chain is walked from it, not from an arbitrary look-back.
 */
export async function windowChainStart(db: Tx, scope: WindowScope, since: Date): Promise<Date | null> {
  const rows = await db.$queryRaw<{ start: Date | null }[]>`
    SELECT max(t) AS start FROM (
      SELECT "occurredAt" AS t, lag("occurredAt") OVER (ORDER BY "occurredAt") AS prev
        FROM "UsageRecord"
       WHERE "occurredAt" >= ${since}
         AND (${scope.projectId ?? null}::uuid IS NULL OR "projectId" = ${scope.projectId ?? null}::uuid)
         AND (${scope.runnerId ?? null}::uuid IS NULL OR "runnerId" = ${scope.runnerId ?? null}::uuid)
         AND (${scope.nodeIds ?? null}::uuid[] IS NULL OR "nodeId" = ANY(${scope.nodeIds ?? null}::uuid[]))
    ) runs
    WHERE prev IS NULL OR t - prev >= interval '5 hours'`;
  return rows[0]?.start ?? null;
}

/** When each response in scope happened since `since` (the 5-hour block chain is walked from these). */
export async function usageTimesSince(db: Tx, scope: WindowScope, since: Date): Promise<Date[]> {
  const rows = await db.usageRecord.findMany({ where: whereOf(scope, since), select: { occurredAt: true } });
  return rows.map((r) => r.occurredAt);
}

/** Input + output tokens (what subscription limits count) and all tokens, in scope since `since`. */
export async function windowTokensSince(
  db: Tx,
  scope: WindowScope,
  since: Date,
): Promise<{ counted: number; total: number }> {
  const agg = await db.usageRecord.aggregate({
    where: whereOf(scope, since),
    _sum: { inputTokens: true, outputTokens: true, totalTokens: true },
  });
  return {
    counted: Number(agg._sum.inputTokens ?? 0n) + Number(agg._sum.outputTokens ?? 0n),
    total: Number(agg._sum.totalTokens ?? 0n),
  };
}

const accountSelect = {
  id: true,
  name: true,
  plan: true,
  windowTokenLimit: true,
  weeklyTokenLimit: true,
  nodeIds: true,
} as const satisfies Prisma.SubscriptionAccountSelect;

export const listSubscriptionAccounts = (db: Tx) =>
  db.subscriptionAccount.findMany({ select: accountSelect, orderBy: { name: "asc" } });

export const upsertSubscriptionAccount = (
  db: Tx,
  data: { name: string; plan: string; windowTokenLimit: number; weeklyTokenLimit: number | null; nodeIds: string[] },
) => db.subscriptionAccount.upsert({ where: { name: data.name }, create: data, update: data, select: accountSelect });

export async function deleteSubscriptionAccount(db: Tx, name: string): Promise<boolean> {
  return (await db.subscriptionAccount.deleteMany({ where: { name } })).count === 1;
}
