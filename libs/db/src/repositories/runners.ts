import {
  ACTIVE_RUNNER_STATUSES,
  runnerActivityStateSchema,
  type Runner,
  type RunnerStatus,
} from "@stratavore/contracts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

const runnerSelect = {
  id: true,
  projectId: true,
  nodeId: true,
  status: true,
  conversationMode: true,
  sessionId: true,
  model: true,
  prompt: true,
  flags: true,
  pid: true,
  exitCode: true,
  endReason: true,
  restartAttempts: true,
  maxRestarts: true,
  nextRestartAt: true,
  lostAt: true,
  pauseReason: true,
  pausedByBudgetId: true,
  restartDeferredSince: true,
  memoryLimitBytes: true,
  cpuLimitPercent: true,
  cpuPercent: true,
  memoryBytes: true,
  lastHeartbeatAt: true,
  activity: true,
  activityLine: true,
  activityAt: true,
  pooled: true,
  taskId: true,
  tags: true,
  watchdog: true,
  watchdogDetail: true,
  watchdogSince: true,
  startedAt: true,
  endedAt: true,
  createdAt: true,
  updatedAt: true,
  project: { select: { name: true } },
  node: { select: { name: true } },
  session: { select: { title: true } },
} as const;
type RunnerRow = Prisma.RunnerGetPayload<{ select: typeof runnerSelect }>;

export function toRunner(row: RunnerRow): Runner {
  const { project, node, session, memoryBytes, memoryLimitBytes, activity, watchdog, ...rest } = row;
  const num = (v: bigint | null) => (v === null ? null : Number(v));
  return {
    ...rest,
    projectName: project.name,
    nodeName: node?.name ?? null,
    activity: runnerActivityStateSchema.safeParse(activity).data ?? null,
    sessionTitle: session?.title ?? null,
    watchdog: watchdog === "stalled" || watchdog === "error_loop" ? watchdog : null,
    memoryBytes: num(memoryBytes),
    memoryLimitBytes: num(memoryLimitBytes),
  };
}

export async function findRunner(db: Tx, id: string): Promise<Runner | null> {
  const row = await db.runner.findUnique({ where: { id }, select: runnerSelect });
  return row ? toRunner(row) : null;
}

export interface RunnerFilter {
  projectId?: string;
  nodeId?: string;
  sessionId?: string;
  status?: RunnerStatus | "active";
  /** Only these runners (ids matched by a prefix, `runnerIdsStartingWith`). */
  ids?: string[];
  limit: number;
}

function runnerWhere(f: Omit<RunnerFilter, "limit">): Prisma.RunnerWhereInput {
  const status = f.status === "active" ? { in: [...ACTIVE_RUNNER_STATUSES] } : f.status;
  return { projectId: f.projectId, nodeId: f.nodeId, sessionId: f.sessionId, status, id: f.ids && { in: f.ids } };
}

/**
 * Every runner whose id starts with `prefix` (hex digits and dashes: the caller validates it).
 * A uuid column has no LIKE, hence its text; a scan, cheap next to a person typing an id.
 */
export async function runnerIdsStartingWith(db: Tx, prefix: string): Promise<string[]> {
  const rows = await db.$queryRaw<
    { id: string }[]
  >`SELECT id::text AS id FROM "Runner" WHERE id::text LIKE ${`${prefix}%`}`;
  return rows.map((r) => r.id);
}

/** How many runners a list filter matches, beyond the page it shows. */
export function countRunners(db: Tx, f: Omit<RunnerFilter, "limit">): Promise<number> {
  return db.runner.count({ where: runnerWhere(f) });
}

export async function listRunners(db: Tx, f: RunnerFilter): Promise<Runner[]> {
  const rows = await db.runner.findMany({
    where: runnerWhere(f),
    select: runnerSelect,
    orderBy: { createdAt: "desc" },
    take: f.limit,
  });
  return rows.map(toRunner);
}

export async function insertRunner(db: Tx, data: Prisma.RunnerUncheckedCreateInput): Promise<Runner> {
  return toRunner(await db.runner.create({ data, select: runnerSelect }));
}

/**
 * Moves a runner only if it is in one of `from` (optimistic check in the WHERE clause), so
 * two racing transitions cannot both apply. Returns null when the runner was elsewhere.
 */
export async function transitionRunner(
  db: Tx,
  id: string,
  from: readonly RunnerStatus[],
  data: Prisma.RunnerUncheckedUpdateManyInput,
): Promise<Runner | null> {
  const res = await db.runner.updateMany({ where: { id, status: { in: [...from] } }, data });
  return res.count === 1 ? findRunner(db, id) : null;
}

export async function activeRunnerIdsOnNode(db: Tx, nodeId: string): Promise<{ id: string; status: RunnerStatus }[]> {
  return db.runner.findMany({
    where: { nodeId, status: { in: [...ACTIVE_RUNNER_STATUSES] } },
    select: { id: true, status: true },
  });
}

export async function countActiveOnNode(db: Tx, nodeId: string): Promise<number> {
  return db.runner.count({ where: { nodeId, status: { in: [...ACTIVE_RUNNER_STATUSES] } } });
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
    }))
    .sort((a, b) => a.active / a.capacity - b.active / b.capacity);
}

export async function runnerEvents(db: Tx, runnerId: string) {
  return db.event.findMany({
    where: { entityType: "runner", entityId: runnerId },
    orderBy: { seq: "asc" },
    take: 500,
    select: { seq: true, type: true, createdAt: true, actorType: true, actorId: true, data: true },
  });
}

/** A runner's session row exists from its first line on (sessions and usage attach to it). */
export async function ensureSession(
  db: Tx,
  data: { id: string; projectId: string | null; nodeId: string | null; cwd: string; forkedFromId?: string },
): Promise<void> {
  await db.session.upsert({ where: { id: data.id }, create: data, update: {} });
}

/**
 * A user's resume takes the place of a failed runner of the same session that waits for a
 * restart: that restart is given up (two claudes appending would interleave the transcript).
 */
export async function abandonWaitingRestarts(db: Tx, sessionId: string): Promise<void> {
  await db.runner.updateMany({
    where: { sessionId, status: "failed", nextRestartAt: { not: null } },
    data: { nextRestartAt: null, restartDeferredSince: null },
  });
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

export async function runnerExists(db: Tx, id: string): Promise<boolean> {
  return (await db.runner.count({ where: { id } })) > 0;
}

/** Model and flags of the last runner that worked on a session: a resume keeps them. */
export function lastRunnerOfSession(db: Tx, sessionId: string) {
  return db.runner.findFirst({
    where: { sessionId },
    orderBy: { createdAt: "desc" },
    select: { model: true, flags: true },
  });
}

/** Whether any runner, in any status, ever worked on the session. */
export async function sessionHadRunner(db: Tx, sessionId: string): Promise<boolean> {
  return (await db.runner.count({ where: { sessionId } })) > 0;
}

/** Placement facts of the runners a node reports, for adoption. */
export function runnerPlacements(db: Tx, ids: string[]) {
  return db.runner.findMany({
    where: { id: { in: ids } },
    select: { id: true, status: true, nodeId: true, projectId: true, createdAt: true },
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
      createdAt: { lt: before },
      node: { lastSeenAt: { gt: before } },
      OR: [{ lastHeartbeatAt: null }, { lastHeartbeatAt: { lt: before } }],
    },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** Who launched each runner (null: a pool, a restart or the system did); ids that are not runners are left out. */
export async function runnerLaunchers(db: Tx, ids: readonly string[]): Promise<Map<string, string | null>> {
  const uuids = ids.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
  if (uuids.length === 0) return new Map();
  const rows = await db.runner.findMany({ where: { id: { in: uuids } }, select: { id: true, createdById: true } });
  return new Map(rows.map((r) => [r.id, r.createdById]));
}
