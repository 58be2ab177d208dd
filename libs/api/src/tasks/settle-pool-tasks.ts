import { AppError, isActiveRunnerStatus, type RunnerStatus } from "@stratavore/contracts";
import { answeredSince, moveTask, type PoolRow, runnerOutcomes, runningTasksOf } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { stopRunner } from "../runners/runner-lifecycle.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { announcePool } from "./tasks-service.ts";

/** How long a task may wait for the runner a move starts before it counts as failed. */
const TRANSIT_MS = 2 * 60_000;

export const stopQuietly = (deps: ApiDeps, runnerId: string, why: string) =>
  stopRunner(deps, null, runnerId, "stop", why).then(
    () => undefined,
    (err: unknown) => {
      // Already ended or its node is gone: nothing left to stop here.
      if (!(err instanceof AppError)) throw err;
    },
  );

/** Each running task whose runner answered and went idle is done; one whose runner ended is judged. */
export async function settleTasks(deps: ApiDeps, pool: PoolRow, now: Date): Promise<number> {
  const projectId = pool.projectId;
  const running = await runningTasksOf(deps.db, projectId);
  if (!running.length) return 0;
  const ids = running.flatMap((t) => (t.runnerId ? [t.runnerId] : []));
  const runners = new Map((await runnerOutcomes(deps.db, ids)).map((r) => [r.id, r]));
  let settled = 0;
  for (const task of running) {
    const since = task.startedAt ?? now;
    // Held by no runner: its runner is being moved to another node (runners/move-service.ts).
    if (!task.runnerId) {
      if (now.getTime() - (task.movingSince ?? since).getTime() < TRANSIT_MS) continue;
      if (await endTask(deps, task.id, projectId, "failed", "its runner was stopped for a move that did not finish"))
        settled += 1;
      continue;
    }
    const r = runners.get(task.runnerId);
    if (r && isActiveRunnerStatus(r.status as RunnerStatus)) {
      // Answered by this process: a restart resumes the conversation without the task's prompt,
      // so an answer from before it does not finish the task.
      const from = r.startedAt && r.startedAt > since ? r.startedAt : since;
      const idle = r.status === "running" && r.activity === "idle" && r.activityAt !== null && r.activityAt >= from;
      if (idle && (await answeredSince(deps.db, r.id, from))) {
        // One task per session: the runner that did it stops, and its session with it.
        if (await endTask(deps, task.id, projectId, "done", "its runner answered and is idle at the prompt"))
          settled += 1;
        await stopQuietly(deps, r.id, "stopped: its task is done");
      } else if (
        idle &&
        from > since &&
        now.getTime() - (r.activityAt?.getTime() ?? now.getTime()) >= pool.idleTimeoutSec * 1000
      ) {
        // Restarted, resumed at the prompt, and never took the task up again.
        const why = `its runner restarted and sat idle for over ${pool.idleTimeoutSec} s without taking the task up again`;
        if (await endTask(deps, task.id, projectId, "failed", why)) settled += 1;
        await stopQuietly(deps, r.id, `stopped: its task failed (${why})`);
      }
      continue;
    }
    // Failed but due a restart: the restart resumes the conversation and the task with it.
    if (r?.status === "failed" && r.nextRestartAt) continue;
    const answered = r ? await answeredSince(deps.db, r.id, since) : false;
    const why = r ? (r.endReason ?? r.status) : "its runner no longer exists";
    const ended = answered
      ? await endTask(deps, task.id, projectId, "done", `its runner ended after answering (${why})`)
      : await endTask(deps, task.id, projectId, "failed", `its runner ended before answering: ${why}`);
    if (ended) settled += 1;
  }
  return settled;
}

async function endTask(
  deps: ApiDeps,
  taskId: string,
  projectId: string,
  status: "done" | "failed",
  outcome: string,
): Promise<boolean> {
  return inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    if (!(await moveTask(tx, taskId, ["running"], { status, outcome, finishedAt: new Date() }))) return false;
    const seq = await audit(tx, deps.config.auditKey, null, {
      type: `task.${status}`,
      entityType: "task",
      entityId: taskId,
      projectId,
      data: { outcome },
    });
    announcePool(outbox, seq, projectId);
    return true;
  });
}
