import type { Tx } from "./tx.ts";

export interface InstanceRow {
  id: string;
  hostname: string;
  pid: number;
  url: string;
  startedAt: Date;
  beatAt: Date;
  leader: boolean;
}

export async function registerInstance(
  db: Tx,
  row: { id: string; hostname: string; pid: number; url: string },
): Promise<void> {
  await db.serverInstance.create({ data: row });
}

/**
 * The instance's beat; also says whether it leads. In UTC, as Prisma keeps every DateTime
 * (a bare now() would be the database session's local time).
 */
export async function beatInstance(db: Tx, id: string, leader: boolean): Promise<void> {
  // upsert: a database restored or pruned under a live instance gets its row back.
  await db.$executeRaw`
    INSERT INTO "ServerInstance" (id, hostname, pid, url, "startedAt", "beatAt", leader)
    VALUES (${id}::uuid, '', 0, '', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', ${leader})
    ON CONFLICT (id) DO UPDATE SET "beatAt" = now() AT TIME ZONE 'UTC', leader = ${leader}`;
}

export async function removeInstance(db: Tx, id: string): Promise<void> {
  await db.serverInstance.deleteMany({ where: { id } });
  await db.node.updateMany({ where: { agentInstanceId: id }, data: { agentInstanceId: null } });
}

export function listInstances(db: Tx): Promise<InstanceRow[]> {
  return db.serverInstance.findMany({ orderBy: { startedAt: "asc" } });
}

/** Instance → how many nodes' agent sockets it holds. */
export async function agentsPerInstance(db: Tx): Promise<Map<string, number>> {
  const rows = await db.node.groupBy({
    by: ["agentInstanceId"],
    where: { agentInstanceId: { not: null } },
    _count: true,
  });
  return new Map(rows.map((r) => [r.agentInstanceId ?? "", r._count]));
}

/** Instances silent since `before` are gone (kill -9, a lost machine): forget them and their sockets. */
export async function pruneInstances(db: Tx, before: Date): Promise<number> {
  const gone = await db.serverInstance.findMany({ where: { beatAt: { lt: before } }, select: { id: true } });
  if (gone.length === 0) return 0;
  const ids = gone.map((g) => g.id);
  await db.node.updateMany({ where: { agentInstanceId: { in: ids } }, data: { agentInstanceId: null } });
  await db.serverInstance.deleteMany({ where: { id: { in: ids } } });
  return ids.length;
}

/** Node → the live instance holding its agent's socket (instances that beat since `since`). */
export async function agentPresence(db: Tx, since: Date): Promise<Map<string, string>> {
  const rows = await db.$queryRaw<Array<{ id: string; instance: string }>>`
    SELECT n.id, n."agentInstanceId" AS instance FROM "Node" n
    JOIN "ServerInstance" s ON s.id = n."agentInstanceId"
    WHERE s."beatAt" >= ${since}`;
  return new Map(rows.map((r) => [r.id, r.instance]));
}

export async function setAgentInstance(db: Tx, nodeId: string, instanceId: string): Promise<void> {
  await db.node.updateMany({ where: { id: nodeId }, data: { agentInstanceId: instanceId } });
}

/** Only if this instance still holds it: the agent may have reconnected to another already. */
export async function clearAgentInstance(db: Tx, nodeId: string, instanceId: string): Promise<boolean> {
  const { count } = await db.node.updateMany({
    where: { id: nodeId, agentInstanceId: instanceId },
    data: { agentInstanceId: null },
  });
  return count > 0;
}

/** Nodes whose agents this instance holds, written back where a prune of a late beat cleared them. */
export async function reclaimAgents(db: Tx, nodeIds: string[], instanceId: string): Promise<void> {
  if (nodeIds.length === 0) return;
  await db.node.updateMany({
    where: { id: { in: nodeIds }, agentInstanceId: null },
    data: { agentInstanceId: instanceId },
  });
}

/** Login counters whose window has passed (rate-limiter-flexible keeps `expire` in epoch ms). */
export function pruneExpiredRateLimits(db: Tx, now: Date): Promise<number> {
  return db.$executeRaw`DELETE FROM rate_limits WHERE expire < ${now.getTime()}`;
}
