import { nodeSchema, type Node, type NodeStatus } from "@stratavore/contracts";
import type { Prisma } from "../generated/prisma/client.ts";
import { ACTIVE_RUNNER_STATUSES } from "@stratavore/contracts";
import { isUuid } from "./ids.ts";
import type { Tx } from "./tx.ts";

const activeWhere: Prisma.RunnerWhereInput = { status: { in: [...ACTIVE_RUNNER_STATUSES] } };

const nodeSelect = {
  id: true,
  name: true,
  hostname: true,
  agentVersion: true,
  claudeVersion: true,
  capacity: true,
  labels: true,
  status: true,
  lastSeenAt: true,
  revokedAt: true,
  createdAt: true,
  capabilities: true,
  deadLetters: true,
  spooledItems: true,
  _count: { select: { runners: { where: activeWhere } } },
} satisfies Prisma.NodeSelect;
type NodeRow = Prisma.NodeGetPayload<{ select: typeof nodeSelect }>;

/** `connected` is known only to the process holding the agent's socket, so callers pass it in. */
export function toNode(row: NodeRow, connected: boolean): Node {
  const { _count, capabilities, ...rest } = row;
  const caps = nodeSchema.shape.capabilities.safeParse(capabilities);
  return { ...rest, capabilities: caps.success ? caps.data : null, activeRunners: _count.runners, connected };
}

export async function listNodes(db: Tx, isConnected: (id: string) => boolean): Promise<Node[]> {
  const rows = await db.node.findMany({ select: nodeSelect, orderBy: { name: "asc" } });
  return rows.map((r) => toNode(r, isConnected(r.id)));
}

export async function findNode(db: Tx, ref: string, isConnected: (id: string) => boolean): Promise<Node | null> {
  const row = await db.node.findUnique({
    where: isUuid(ref) ? { id: ref } : { name: ref.toLowerCase() },
    select: nodeSelect,
  });
  return row ? toNode(row, isConnected(row.id)) : null;
}

export async function findNodeByCredential(db: Tx, credentialHash: string) {
  return db.node.findFirst({
    where: { credentialHash, revokedAt: null },
    select: { id: true, name: true, status: true, certSerial: true },
  });
}

/** The serial of the one client certificate this node may present (mutual TLS). */
export async function setNodeCertSerial(db: Tx, id: string, certSerial: string): Promise<void> {
  await db.node.update({ where: { id }, data: { certSerial }, select: { id: true } });
}

export async function insertNode(
  db: Tx,
  data: {
    name: string;
    hostname: string;
    agentVersion: string;
    claudeVersion: string | null;
    capacity: number;
    labels: string[];
    credentialHash: string;
    capabilities?: Prisma.InputJsonValue;
  },
) {
  return db.node.create({
    data: { ...data, status: "online", lastSeenAt: new Date() },
    select: { id: true, name: true },
  });
}

export async function updateNodeRow(
  db: Tx,
  id: string,
  data: Partial<{
    hostname: string;
    agentVersion: string;
    claudeVersion: string | null;
    capacity: number;
    labels: string[];
    status: NodeStatus;
    lastSeenAt: Date;
    revokedAt: Date;
    capabilities: Prisma.InputJsonValue;
    agentInstanceId: string | null;
  }>,
) {
  return db.node.update({ where: { id }, data, select: nodeSelect });
}

/** Which server instance holds the node's agent socket, with the row locked until the transaction ends. */
export async function lockNodeHolder(db: Tx, id: string): Promise<{ holder: string | null } | null> {
  const rows = await db.$queryRaw<Array<{ holder: string | null }>>`
    SELECT "agentInstanceId"::text AS holder FROM "Node" WHERE id = ${id}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

export async function nodeNameTaken(db: Tx, name: string): Promise<boolean> {
  return (await db.node.count({ where: { name } })) > 0;
}

/** Nodes that have not been heard from since `before` and are not yet marked offline. */
export async function silentNodes(db: Tx, before: Date) {
  return db.node.findMany({
    where: { status: { not: "offline" }, OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: before } }] },
    select: { id: true },
  });
}

/**
 * A node was heard from at `at`. True when that also brought it back from `offline` (a stall
 * the reconciler judged; draining stays draining, revoked stays offline): the caller says so.
 */
/**
 * A beat: last seen now, and the counts of items its agent set aside and holds (when it says). Returns
 * whether this brought an offline node back, and the count it had before.
 */
export async function markNodeSeen(
  db: Tx,
  id: string,
  at: Date,
  report: { deadLetters?: number; spooled?: number; host?: { cpuPercent: number; memoryPercent: number } } = {},
): Promise<{ cameBack: boolean; deadLettersBefore: number }> {
  const { deadLetters, spooled, host } = report;
  const before = await db.node.findUnique({ where: { id }, select: { deadLetters: true } });
  await db.node.update({
    where: { id },
    data: {
      lastSeenAt: at,
      ...(deadLetters === undefined ? {} : { deadLetters }),
      ...(spooled === undefined ? {} : { spooledItems: spooled }),
      ...(host === undefined ? {} : { hostCpuPercent: host.cpuPercent, hostMemoryPercent: host.memoryPercent }),
    },
    select: { id: true },
  });
  const { count } = await db.node.updateMany({
    where: { id, status: "offline", revokedAt: null },
    data: { status: "online" },
  });
  return { cameBack: count === 1, deadLettersBefore: before?.deadLetters ?? 0 };
}

export async function nodeStatusOf(db: Tx, id: string): Promise<NodeStatus | null> {
  return (await db.node.findUnique({ where: { id }, select: { status: true } }))?.status ?? null;
}
