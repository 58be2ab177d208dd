import { ACTIVE_RUNNER_STATUSES, type RunnerStatus } from "@stratavore/contracts";
import type { Tx } from "./tx.ts";

export async function countActiveOnNode(db: Tx, nodeId: string): Promise<number> {
  return db.runner.count({ where: { nodeId, status: { in: [...ACTIVE_RUNNER_STATUSES] } } });
}

/** Online nodes that match the wanted node and labels, least loaded first. */
export async function candidateNodes(db: Tx, opts: { nodeId?: string; labels: string[] }) {
  const nodes = await db.node.findMany({
    where: {
      status: "online",
      revokedAt: null,
      id: opts.nodeId,
      labels: opts.labels.length ? { hasEvery: opts.labels } : undefined,
    },
    select: {
      id: true,
      name: true,
      capacity: true,
      hostCpuPercent: true,
      hostMemoryPercent: true,
      capabilities: true,
      _count: { select: { runners: { where: { status: { in: [...ACTIVE_RUNNER_STATUSES] } } } } },
    },
  });
  return nodes
    .map((n) => ({
      id: n.id,
      name: n.name,
      capacity: n.capacity,
      active: n._count.runners,
      hostCpuPercent: n.hostCpuPercent,
      hostMemoryPercent: n.hostMemoryPercent,
      /** Its agent answers which folders exist there (capabilities.folders, from its hello). */
      answersFolders: isObject(n.capabilities) && n.capabilities.folders === true,
    }))
    .sort((a, b) => a.active / a.capacity - b.active / b.capacity);
}

/** The node labels a runner was launched with (the project's and the launch's own). */
export async function runnerLabels(db: Tx, id: string): Promise<string[]> {
  return (await db.runner.findUnique({ where: { id }, select: { labels: true } }))?.labels ?? [];
}

/** Where a runner runs and in what status, read fresh (a restart may have moved it). */
export function runnerNodeAndStatus(
  db: Tx,
  id: string,
): Promise<{ nodeId: string | null; status: RunnerStatus } | null> {
  return db.runner.findUnique({ where: { id }, select: { nodeId: true, status: true } });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
