import { createHash, randomBytes } from "node:crypto";
import {
  AppError,
  ROOMS,
  type Task,
  type TaskCreateInput,
  taskCreateInput,
  type TASK_STATUSES,
} from "@stratavore/contracts";
import { findProject, findTask, insertTask, listTasks, moveTask, queueStats } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { checkedEvent, type OutgoingEvent } from "../realtime/bus.ts";
import { stopRunner } from "../runners/runner-lifecycle.ts";
import { audit, type Actor } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";

/** Tells dashboards a project's queue or pool changed. */
export function announcePool(outbox: OutgoingEvent[], seq: number, projectId: string): void {
  outbox.push(checkedEvent(ROOMS.fleet, "pool:changed", { seq, projectId }));
}

async function projectOf(deps: ApiDeps, ref: string) {
  const project = await findProject(deps.db, ref);
  if (!project) throw new AppError("NOT_FOUND", `No project '${ref}'.`);
  return project;
}

/** Queues a task on a project; its pool (when it has one) starts a runner session for it. */
export async function addTask(deps: ApiDeps, actor: Actor, raw: TaskCreateInput): Promise<Task> {
  const input = taskCreateInput.parse(raw);
  const project = await projectOf(deps, input.project);
  if (project.status === "archived")
    throw new AppError("PROJECT_ARCHIVED", `Project '${project.name}' is archived; unarchive it to queue tasks.`);
  return inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    const task = await insertTask(tx, {
      projectId: project.id,
      prompt: input.prompt,
      model: input.model ?? null,
      flags: input.flags,
      priority: input.priority,
      labels: input.labels,
      source: input.source,
      createdById: actor && "user" in actor ? actor.user.id : null,
    });
    const seq = await audit(tx, deps.config.auditKey, actor, {
      type: "task.added",
      entityType: "task",
      entityId: task.id,
      projectId: project.id,
      data: { priority: task.priority, source: task.source },
    });
    announcePool(outbox, seq, project.id);
    return task;
  });
}

export async function listTasksFor(
  deps: ApiDeps,
  input: { project?: string; status?: (typeof TASK_STATUSES)[number]; limit: number },
) {
  const projectId = input.project ? (await projectOf(deps, input.project)).id : undefined;
  const [tasks, stats] = await Promise.all([
    listTasks(deps.db, { projectId, status: input.status, limit: input.limit }),
    queueStats(deps.db, projectId),
  ]);
  return { tasks, ...stats };
}

export async function getTask(deps: ApiDeps, id: string): Promise<Task> {
  const task = await findTask(deps.db, id);
  if (!task) throw new AppError("NOT_FOUND", "No such task.");
  return task;
}

/** A queued task leaves the queue; a running one's runner is stopped. Ended tasks stay as they are. */
export async function cancelTask(deps: ApiDeps, actor: Actor, id: string): Promise<Task> {
  const task = await getTask(deps, id);
  if (task.status !== "queued" && task.status !== "running")
    throw new AppError("CONFLICT", `The task has already ended (${task.status}).`);
  const who = actor && "user" in actor ? actor.user.email : "the system";
  const moved = await inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    if (
      !(await moveTask(tx, id, ["queued", "running"], {
        status: "cancelled",
        finishedAt: new Date(),
        outcome: `cancelled by ${who}`,
      }))
    )
      return false;
    const seq = await audit(tx, deps.config.auditKey, actor, {
      type: "task.cancelled",
      entityType: "task",
      entityId: id,
      projectId: task.projectId,
      data: { was: task.status, runnerId: task.runnerId },
    });
    announcePool(outbox, seq, task.projectId);
    return true;
  });
  if (!moved) throw new AppError("CONFLICT", "The task ended while it was being cancelled.");
  // Read again after the cancel: the pool may have started it since it was first read.
  const cancelled = await getTask(deps, id);
  if (cancelled.runnerId)
    await stopRunner(deps, actor, cancelled.runnerId, "stop", `stopped: its task was cancelled by ${who}`).catch(
      (err: unknown) => {
        // Already ended: nothing left to stop.
        if (!(err instanceof AppError)) throw err;
      },
    );
  return cancelled;
}

export const hashHookSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");
export const newHookSecret = () => randomBytes(24).toString("base64url");
