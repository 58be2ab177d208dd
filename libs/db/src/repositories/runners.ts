import {
  ACTIVE_RUNNER_STATUSES,
  runnerActivityStateSchema,
  type Runner,
  type RunnerStatus,
} from "@stratavore/contracts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

export * from "./runner-liveness.ts";
export * from "./runner-placement.ts";
export * from "./runner-sessions.ts";

const runnerSelect = {
  id: true,
  projectId: true,
  nodeId: true,
  status: true,
  conversationMode: true,
  sessionId: true,
  pastSessionIds: true,
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
  launchedAt: true,
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

export async function runnerEvents(db: Tx, runnerId: string) {
  return db.event.findMany({
    where: { entityType: "runner", entityId: runnerId },
    orderBy: { seq: "asc" },
    take: 500,
    select: { seq: true, type: true, createdAt: true, actorType: true, actorId: true, data: true },
  });
}

export async function runnerExists(db: Tx, id: string): Promise<boolean> {
  return (await db.runner.count({ where: { id } })) > 0;
}

/** Who launched each runner (null: a pool, a restart or the system did); ids that are not runners are left out. */
export async function runnerLaunchers(db: Tx, ids: readonly string[]): Promise<Map<string, string | null>> {
  const uuids = ids.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
  if (uuids.length === 0) return new Map();
  const rows = await db.runner.findMany({ where: { id: { in: uuids } }, select: { id: true, createdById: true } });
  return new Map(rows.map((r) => [r.id, r.createdById]));
}
