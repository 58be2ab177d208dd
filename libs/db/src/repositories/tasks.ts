import { ACTIVE_RUNNER_STATUSES, type Task } from "@stratavore/contracts";
import type { Prisma, TaskStatus } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

const taskSelect = {
  id: true,
  projectId: true,
  prompt: true,
  model: true,
  flags: true,
  priority: true,
  labels: true,
  status: true,
  runnerId: true,
  outcome: true,
  source: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  project: { select: { name: true } },
} as const satisfies Prisma.TaskSelect;
type TaskRow = Prisma.TaskGetPayload<{ select: typeof taskSelect }>;

const toTask = ({ project, ...rest }: TaskRow): Task => ({ ...rest, projectName: project.name });

export async function insertTask(db: Tx, data: Prisma.TaskUncheckedCreateInput): Promise<Task> {
  return toTask(await db.task.create({ data, select: taskSelect }));
}

export async function findTask(db: Tx, id: string): Promise<Task | null> {
  const row = await db.task.findUnique({ where: { id }, select: taskSelect });
  return row ? toTask(row) : null;
}

/** Newest first; queued ones in the order the pool takes them (priority, then age). */
export async function listTasks(
  db: Tx,
  f: { projectId?: string; status?: TaskStatus; limit: number },
): Promise<Task[]> {
  const rows = await db.task.findMany({
    where: { projectId: f.projectId, status: f.status },
    select: taskSelect,
    orderBy: f.status === "queued" ? [{ priority: "desc" }, { createdAt: "asc" }] : [{ createdAt: "desc" }],
    take: f.limit,
  });
  return rows.map(toTask);
}

export async function queueStats(db: Tx, projectId?: string): Promise<{ queued: number; oldestQueuedAt: Date | null }> {
  const agg = await db.task.aggregate({
    where: { projectId, status: "queued" },
    _count: { _all: true },
    _min: { createdAt: true },
  });
  return { queued: agg._count._all, oldestQueuedAt: agg._min.createdAt };
}

/**
 * The next tasks a pool takes: highest priority first, then the oldest. `plainOnly`: only tasks
 * with no model, flags or labels of their own (what a warm runner, already started, can take).
 */
export function nextQueuedTasks(db: Tx, projectId: string, limit: number, plainOnly = false) {
  return db.task.findMany({
    where: {
      projectId,
      status: "queued",
      ...(plainOnly ? { model: null, flags: { isEmpty: true }, labels: { isEmpty: true } } : {}),
    },
    orderBy: [{ priority: "desc" }, { createdAt: "asc" }],
    take: limit,
    select: { id: true, prompt: true, model: true, flags: true, labels: true, source: true },
  });
}

/**
 * Moves a task on only from the states named (a cancel racing the pool's assignment: one wins).
 * Returns whether it moved.
 */
export async function moveTask(
  db: Tx,
  id: string,
  from: TaskStatus[],
  data: Prisma.TaskUncheckedUpdateManyInput,
): Promise<boolean> {
  const { count } = await db.task.updateMany({ where: { id, status: { in: from } }, data });
  return count === 1;
}

/** Running tasks of a project with their runner's state, for the pool to settle. */
export function runningTasksOf(db: Tx, projectId: string) {
  return db.task.findMany({
    where: { projectId, status: "running" },
    select: { id: true, runnerId: true, startedAt: true, movingSince: true },
  });
}

/** A project's pool runners that hold a place: active ones, and failed ones due a restart. */
export function pooledRunnersOf(db: Tx, projectId: string) {
  return db.runner.findMany({
    where: {
      projectId,
      pooled: true,
      OR: [{ status: { in: [...ACTIVE_RUNNER_STATUSES] } }, { status: "failed", nextRestartAt: { not: null } }],
    },
    select: {
      id: true,
      nodeId: true,
      status: true,
      taskId: true,
      activity: true,
      activityAt: true,
      startedAt: true,
      createdAt: true,
      endReason: true,
    },
  });
}

export function runnerOutcomes(db: Tx, ids: string[]) {
  return db.runner.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      status: true,
      endReason: true,
      nextRestartAt: true,
      startedAt: true,
      activity: true,
      activityAt: true,
      nodeId: true,
    },
  });
}

/** Ids of a project's running tasks. */
export async function runningTaskIds(db: Tx, projectId: string): Promise<Set<string>> {
  const rows = await db.task.findMany({ where: { projectId, status: "running" }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

/** Whether the runner's claude answered at least once since `since` (its turn happened). */
export async function answeredSince(db: Tx, runnerId: string, since: Date): Promise<boolean> {
  return (await db.usageRecord.count({ where: { runnerId, occurredAt: { gte: since } }, take: 1 })) > 0;
}

export function setRunnerTask(db: Tx, runnerId: string, taskId: string | null) {
  return db.runner.update({ where: { id: runnerId }, data: { taskId }, select: { id: true } });
}

const poolSelect = {
  projectId: true,
  enabled: true,
  minRunners: true,
  maxRunners: true,
  idleTimeoutSec: true,
  nodeLabels: true,
  maxNodeCpuPercent: true,
  maxNodeMemoryPercent: true,
  hookTokenHash: true,
  lastDecision: true,
  project: { select: { name: true, status: true, maxRunners: true, path: true } },
} as const satisfies Prisma.PoolPolicySelect;
export type PoolRow = Prisma.PoolPolicyGetPayload<{ select: typeof poolSelect }>;

export const findPool = (db: Tx, projectId: string) =>
  db.poolPolicy.findUnique({ where: { projectId }, select: poolSelect });

export const findPoolByHook = (db: Tx, hookTokenHash: string) =>
  db.poolPolicy.findUnique({ where: { hookTokenHash }, select: poolSelect });

/** Every pool: disabled ones and those of archived projects are still settled and shrunk, never grown. */
export const workingPools = (db: Tx) => db.poolPolicy.findMany({ select: poolSelect });

export function upsertPool(
  db: Tx,
  projectId: string,
  data: Omit<Prisma.PoolPolicyUncheckedCreateInput, "projectId">,
): Promise<PoolRow> {
  return db.poolPolicy.upsert({
    where: { projectId },
    create: { projectId, ...data },
    update: data,
    select: poolSelect,
  });
}

export async function setPoolDecision(db: Tx, projectId: string, lastDecision: string): Promise<void> {
  await db.poolPolicy.update({ where: { projectId }, data: { lastDecision } });
}

/**
 * A task follows its runner's conversation to the runner that resumes it elsewhere (a move) —
 * if it is still running (a cancel or the transit timeout may have ended it). Returns whether it did.
 */
export async function handOverTask(db: Tx, taskId: string, runnerId: string): Promise<boolean> {
  const { count } = await db.task.updateMany({
    where: { id: taskId, status: "running" },
    data: { runnerId, movingSince: null },
  });
  if (count === 1) await db.runner.update({ where: { id: runnerId }, data: { taskId, pooled: true } });
  return count === 1;
}

/** A task in transit (its runner is being moved): held by no runner until the new one takes it. */
export async function detachTask(db: Tx, taskId: string): Promise<void> {
  await db.task.updateMany({
    where: { id: taskId, status: "running" },
    data: { runnerId: null, movingSince: new Date() },
  });
}
