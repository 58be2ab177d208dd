import type { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

export interface EventLogFilter {
  types?: string[];
  /** A type prefix such as "runner." (matches every runner event). */
  typePrefix?: string;
  actorId?: string;
  entityType?: string;
  entityId?: string;
  projectId?: string;
  since?: Date;
  until?: Date;
  /** Pages backwards: events with a smaller seq. */
  beforeSeq?: number;
  /** Follows forwards: events with a larger seq, oldest first. */
  afterSeq?: number;
  limit: number;
}

export interface EventLogRow {
  seq: number;
  type: string;
  entityType: string;
  entityId: string | null;
  actorType: string;
  actorId: string | null;
  projectId: string | null;
  data: unknown;
  createdAt: Date;
}

const ROW = {
  seq: true,
  type: true,
  entityType: true,
  entityId: true,
  actorType: true,
  actorId: true,
  projectId: true,
  data: true,
  createdAt: true,
} as const;

function whereOf(f: EventLogFilter): Prisma.EventWhereInput {
  const seq: Prisma.BigIntFilter = {};
  if (f.beforeSeq !== undefined) seq.lt = BigInt(f.beforeSeq);
  if (f.afterSeq !== undefined) seq.gt = BigInt(f.afterSeq);
  const createdAt: Prisma.DateTimeFilter = {};
  if (f.since) createdAt.gte = f.since;
  if (f.until) createdAt.lt = f.until;
  const type: Prisma.StringFilter = {};
  if (f.types?.length) type.in = f.types;
  if (f.typePrefix) type.startsWith = f.typePrefix;
  return {
    ...(Object.keys(seq).length ? { seq } : {}),
    ...(Object.keys(createdAt).length ? { createdAt } : {}),
    ...(Object.keys(type).length ? { type } : {}),
    ...(f.actorId ? { actorId: f.actorId } : {}),
    ...(f.entityType ? { entityType: f.entityType } : {}),
    ...(f.entityId ? { entityId: f.entityId } : {}),
    ...(f.projectId ? { projectId: f.projectId } : {}),
  };
}

/** A page of the audit log: newest first, or oldest first when following (`afterSeq`). */
export async function listEventLog(db: Tx, filter: EventLogFilter): Promise<EventLogRow[]> {
  const rows = await db.event.findMany({
    where: whereOf(filter),
    orderBy: { seq: filter.afterSeq !== undefined ? "asc" : "desc" },
    take: filter.limit,
    select: ROW,
  });
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

export async function findEventsBySeq(db: Tx, seqs: number[]): Promise<EventLogRow[]> {
  const rows = await db.event.findMany({
    where: { seq: { in: seqs.map(BigInt) } },
    orderBy: { seq: "asc" },
    select: ROW,
  });
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** Names for the ids an event page mentions: users (actors), projects. */
export async function namesForEvents(db: Tx, rows: EventLogRow[]) {
  const userIds = [...new Set(rows.filter((r) => r.actorType === "user" || r.actorType === "token").map((r) => r.actorId!))];
  const nodeIds = [...new Set(rows.filter((r) => r.actorType === "node").map((r) => r.actorId!))];
  const projectIds = [...new Set(rows.map((r) => r.projectId).filter((p): p is string => !!p))];
  const [users, nodes, projects] = await Promise.all([
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } }),
    db.node.findMany({ where: { id: { in: nodeIds } }, select: { id: true, name: true } }),
    db.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, name: true } }),
  ]);
  return {
    actors: new Map<string, string>([...users.map((u) => [u.id, u.email] as const), ...nodes.map((n) => [n.id, n.name] as const)]),
    projects: new Map(projects.map((p) => [p.id, p.name])),
  };
}
