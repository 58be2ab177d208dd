import { ACTIVE_RUNNER_STATUSES, type Session } from "@stratavore/contracts";
import { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

const sessionSelect = {
  id: true,
  projectId: true,
  nodeId: true,
  title: true,
  cwd: true,
  firstMessageAt: true,
  lastMessageAt: true,
  messageCount: true,
  resumable: true,
  resumedFromId: true,
  forkedFromId: true,
  createdAt: true,
  project: { select: { name: true } },
  _count: { select: { entries: true, runners: { where: { status: { in: [...ACTIVE_RUNNER_STATUSES] } } } } },
} satisfies Prisma.SessionSelect;
type SessionRow = Prisma.SessionGetPayload<{ select: typeof sessionSelect }>;

async function withSpend(db: Tx, rows: SessionRow[]): Promise<Session[]> {
  const spend = rows.length
    ? await db.$queryRaw<
        Array<{ id: string; tokens: bigint; usd: unknown; estimated: unknown; unpriced: bigint | null }>
      >`
        SELECT "sessionId" AS id, sum("totalTokens") AS tokens, sum("costUsd") AS usd, sum("costUsd") FILTER (WHERE "costEstimated") AS estimated,
               sum("totalTokens") FILTER (WHERE unpriced) AS unpriced
          FROM "UsageRecord" WHERE "sessionId" = ANY(${rows.map((r) => r.id)}::text[]) GROUP BY 1`
    : [];
  const byId = new Map(spend.map((s) => [s.id, s]));
  return rows.map(({ project, _count, ...r }) => {
    const s = byId.get(r.id);
    return {
      ...r,
      projectName: project?.name ?? null,
      // Resumed into its project: with none (a history import whose folder was no absolute
      // path) there is nowhere to resume it, whatever the archive holds.
      resumable: r.resumable && project !== null,
      entryCount: _count.entries,
      activeRunners: _count.runners,
      totalTokens: Number(s?.tokens ?? 0),
      // Only unpriced usage: no dollar figure at all (null), never $0.
      costUsd: s && s.usd === null && Number(s.unpriced ?? 0) > 0 ? null : Number(s?.usd ?? 0),
      estimatedCostUsd: Number(s?.estimated ?? 0),
      costEstimated: Number(s?.estimated ?? 0) > 0,
      unpricedTokens: Number(s?.unpriced ?? 0),
    };
  });
}

export interface SessionFilter {
  projectId?: string;
  nodeId?: string;
  since?: Date;
  until?: Date;
  ids?: string[];
  /** Ids starting with this. */
  idPrefix?: string;
  sort: "recent" | "oldest" | "cost" | "messages";
  limit: number;
  /** Rows skipped first (pages after the first). */
  offset?: number;
}

/** Sessions ranked by cost are ranked among the most recent this many (cost is summed per row). */
export const COST_RANK_WINDOW = 1000;

function sessionWhere(f: SessionFilter): Prisma.SessionWhereInput {
  return {
    projectId: f.projectId,
    nodeId: f.nodeId,
    id: f.ids || f.idPrefix ? { in: f.ids, startsWith: f.idPrefix } : undefined,
    lastMessageAt: f.since || f.until ? { gte: f.since, lt: f.until } : undefined,
  };
}

/** How many sessions the filter matches, for "Showing 100 of 165". */
export function countSessions(db: Tx, f: Omit<SessionFilter, "sort" | "limit">): Promise<number> {
  return db.session.count({ where: sessionWhere({ ...f, sort: "recent", limit: 1 }) });
}

export async function listSessions(db: Tx, f: SessionFilter): Promise<Session[]> {
  const offset = f.offset ?? 0;
  const orderBy: Prisma.SessionOrderByWithRelationInput =
    f.sort === "oldest"
      ? { lastMessageAt: { sort: "asc", nulls: "last" } }
      : f.sort === "messages"
        ? { messageCount: "desc" }
        : { lastMessageAt: { sort: "desc", nulls: "last" } };
  const rows = await db.session.findMany({
    where: sessionWhere(f),
    select: sessionSelect,
    orderBy: [orderBy, { id: "asc" }],
    skip: f.sort === "cost" ? 0 : offset,
    take: f.sort === "cost" ? COST_RANK_WINDOW : f.limit,
  });
  const sessions = await withSpend(db, rows);
  return f.sort === "cost"
    ? sessions.sort((a, b) => (b.costUsd ?? -1) - (a.costUsd ?? -1)).slice(offset, offset + f.limit)
    : sessions;
}

export async function findSession(db: Tx, id: string): Promise<Session | null> {
  const row = await db.session.findUnique({ where: { id }, select: sessionSelect });
  return row ? ((await withSpend(db, [row]))[0] ?? null) : null;
}

/** The session `claude --continue` would pick: the project's most recently written one. */
export async function latestProjectSession(db: Tx, projectId: string): Promise<string | null> {
  const row = await db.session.findFirst({
    where: { projectId },
    orderBy: [{ lastMessageAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
    select: { id: true },
  });
  return row?.id ?? null;
}

/** Runners still using a session (two claudes appending to one transcript would interleave it). */
export async function activeRunnersOfSession(db: Tx, sessionId: string): Promise<number> {
  return db.runner.count({ where: { sessionId, status: { in: [...ACTIVE_RUNNER_STATUSES] } } });
}
