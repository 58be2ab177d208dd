import type { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

export interface EventLogFilter {
  types?: string[];
  /** A type prefix such as "runner." (matches every runner event). */
  typePrefix?: string;
  actorId?: string;
  /** "system" finds what the server did by itself. */
  actorType?: string;
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
    ...(f.actorType ? { actorType: f.actorType } : {}),
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

/**
 * Events of `types` about these entities at or after `since` and before seq `beforeSeq`, oldest
 * first (the entity index): what the notification dispatcher reads to tell a flapping node.
 */
export async function recentEntityEvents(
  db: Tx,
  q: { entityType: string; entityIds: string[]; types: readonly string[]; since: Date; beforeSeq: number },
): Promise<Array<{ entityId: string; seq: number; createdAt: Date }>> {
  if (!q.entityIds.length) return [];
  const rows = await db.event.findMany({
    where: {
      entityType: q.entityType,
      entityId: { in: q.entityIds },
      type: { in: [...q.types] },
      createdAt: { gte: q.since },
      seq: { lt: BigInt(q.beforeSeq) },
    },
    orderBy: { seq: "asc" },
    select: { entityId: true, seq: true, createdAt: true },
  });
  return rows.map((r) => ({ entityId: r.entityId ?? "", seq: Number(r.seq), createdAt: r.createdAt }));
}

/** Names for the ids an event page mentions: users (actors), projects. */
export async function namesForEvents(
  db: Tx,
  rows: (Pick<EventLogRow, "actorType" | "actorId"> & { projectId?: string | null })[],
) {
  const actorsOf = (types: string[]) => [
    ...new Set(rows.flatMap((r) => (types.includes(r.actorType) && r.actorId ? [r.actorId] : []))),
  ];
  const userIds = actorsOf(["user", "token"]);
  const nodeIds = actorsOf(["node"]);
  const projectIds = [...new Set(rows.map((r) => r.projectId).filter((p): p is string => !!p))];
  const [users, nodes, projects] = await Promise.all([
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } }),
    db.node.findMany({ where: { id: { in: nodeIds } }, select: { id: true, name: true } }),
    db.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, name: true } }),
  ]);
  return {
    actors: new Map<string, string>([
      ...users.map((u) => [u.id, u.email] as const),
      ...nodes.map((n) => [n.id, n.name] as const),
    ]),
    projects: new Map(projects.map((p) => [p.id, p.name])),
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An audit-log actor filter: a user or node id, a user's email or a node's name; null when unknown. */
export async function actorIdFor(db: Tx, ref: string): Promise<string | null> {
  if (UUID_RE.test(ref)) return ref;
  const user = await db.user.findUnique({ where: { email: ref.toLowerCase() }, select: { id: true } });
  if (user) return user.id;
  const node = await db.node.findUnique({ where: { name: ref }, select: { id: true } });
  return node?.id ?? null;
}

/** A project by id or name; null when none. */
export async function projectIdFor(db: Tx, ref: string): Promise<string | null> {
  const row = await db.project.findFirst({
    where: UUID_RE.test(ref) ? { id: ref } : { name: ref },
    select: { id: true },
  });
  return row?.id ?? null;
}

/** Display names for announcements: projects, and nodes and budgets by id. */
export async function displayNames(db: Tx, projectIds: string[], entityIds: string[]) {
  const ids = entityIds.filter((i) => UUID_RE.test(i));
  const [projects, nodes, budgets] = await Promise.all([
    db.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, name: true } }),
    db.node.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    db.budget.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
  ]);
  return {
    projects: new Map(projects.map((p) => [p.id, p.name])),
    entities: new Map<string, string>([...nodes, ...budgets].map((x) => [x.id, x.name])),
  };
}
