import { ACTIVE_RUNNER_STATUSES, type RunnerStatus } from "@stratavore/contracts";
import type { Tx } from "./tx.ts";

export async function activeRunnerIdsOnNode(db: Tx, nodeId: string): Promise<{ id: string; status: RunnerStatus }[]> {
  return db.runner.findMany({
    where: { nodeId, status: { in: [...ACTIVE_RUNNER_STATUSES] } },
    select: { id: true, status: true },
  });
}

/** Active runners whose node has been silent since `before` (heartbeat TTL passed), with what the reconciler needs to say why. */
export async function runnersOnSilentNodes(
  db: Tx,
  before: Date,
): Promise<
  { id: string; status: RunnerStatus; nodeId: string | null; nodeName: string | null; lastSeenAt: Date | null }[]
> {
  const rows = await db.runner.findMany({
    where: {
      status: { in: [...ACTIVE_RUNNER_STATUSES] },
      OR: [{ nodeId: null }, { node: { OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: before } }] } }],
      createdAt: { lt: before },
    },
    select: { id: true, status: true, nodeId: true, node: { select: { name: true, lastSeenAt: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    nodeId: r.nodeId,
    nodeName: r.node?.name ?? null,
    lastSeenAt: r.node?.lastSeenAt ?? null,
  }));
}

/** Runners lost since before `cutoff`: their node stayed away too long. */
export async function runnersLostBefore(db: Tx, cutoff: Date): Promise<string[]> {
  const rows = await db.runner.findMany({ where: { status: "lost", lostAt: { lt: cutoff } }, select: { id: true } });
  return rows.map((r) => r.id);
}

export async function runnersDueRestart(db: Tx, now: Date): Promise<string[]> {
  const rows = await db.runner.findMany({
    where: { status: "failed", nextRestartAt: { lte: now } },
    select: { id: true },
    orderBy: { nextRestartAt: "asc" },
    take: 100,
  });
  return rows.map((r) => r.id);
}

/** Placement facts of the runners a node reports, for adoption. */
export function runnerPlacements(db: Tx, ids: string[]) {
  return db.runner.findMany({
    where: { id: { in: ids } },
    select: { id: true, status: true, nodeId: true, projectId: true, createdAt: true, launchedAt: true },
  });
}

/**
 * `starting` runners created before `before` whose node has beaten since `before` without
 * reporting them (their own last beat is older): the agent does not run them, whatever the
 * launch's answer was (the server could not record it, or died before it came).
 */
export async function unconfirmedStarting(db: Tx, before: Date): Promise<string[]> {
  const rows = await db.runner.findMany({
    where: {
      status: "starting",
      node: { lastSeenAt: { gt: before } },
      AND: [
        // Launched (or restarted: a restart keeps the row) before `before`.
        { OR: [{ launchedAt: null, createdAt: { lt: before } }, { launchedAt: { lt: before } }] },
        { OR: [{ lastHeartbeatAt: null }, { lastHeartbeatAt: { lt: before } }] },
      ],
    },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}
