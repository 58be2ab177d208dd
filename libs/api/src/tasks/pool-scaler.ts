import { AppError, isActiveRunnerStatus, type RunnerStatus } from "@stratavore/contracts";
import {
  runningTaskIds,
  answeredSince,
  moveTask,
  nextQueuedTasks,
  pooledRunnersOf,
  type PoolRow,
  queueStats,
  runnerOutcomes,
  runningTasksOf,
  setPoolDecision,
  setRunnerTask,
  workingPools,
} from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { launchPooled } from "../runners/launch-service.ts";
import { stopRunner } from "../runners/runner-lifecycle.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { budgetHold } from "./budget-outlook.ts";
import { announcePool } from "./tasks-service.ts";

type Action = "up" | "down" | "hold";

/** How long a task may wait for the runner a move starts before it counts as failed. */
const TRANSIT_MS = 2 * 60_000;
export interface PoolPass {
  project: string;
  settled: number;
  decision: { action: Action; count: number; reason: string } | null;
}

/**
 * One pass over every enabled pool (a reconciler step, so one instance of a cluster runs it):
 * settle running tasks, hand queued ones to warm runners, then grow or shrink the pool.
 * A pool that fails is logged and left for the next pass; the others go on.
 */
export async function workPools(deps: ApiDeps, now = new Date()): Promise<PoolPass[]> {
  const passes: PoolPass[] = [];
  for (const pool of await workingPools(deps.db)) {
    try {
      passes.push(await workPool(deps, pool, now));
    } catch (err) {
      deps.log("error", "a pool's pass failed", { project: pool.project.name, error: String(err) });
    }
  }
  return passes;
}

async function workPool(deps: ApiDeps, pool: PoolRow, now: Date): Promise<PoolPass> {
  const settled = await settleTasks(deps, pool, now);
  const running = await runningTaskIds(deps.db, pool.projectId);
  // Every runner holding a place counts toward max: stopping ones and failed ones due a restart too.
  const runners = await pooledRunnersOf(deps.db, pool.projectId);
  // A runner whose task ended elsewhere (cancelled, failed after a move) has nothing left to do.
  for (const r of runners)
    if (r.taskId && !running.has(r.taskId) && r.status !== "stopping" && r.status !== "failed")
      await stopQuietly(deps, r.id);
  const live = runners.filter(
    (r) => r.status !== "stopping" && r.status !== "failed" && (!r.taskId || running.has(r.taskId)),
  );
  const growing = pool.enabled && pool.project.status !== "archived";
  const handed = growing ? await handToWarmRunners(deps, pool, live, now) : new Set<string>();
  const stats = await queueStats(deps.db, pool.projectId);
  const working = live.filter((r) => r.taskId || handed.has(r.id)).length;
  const idle = live.filter((r) => !r.taskId && !handed.has(r.id));
  const restarting = runners.filter((r) => r.status === "failed").length;
  // A disabled pool (or an archived project's) lets its running tasks finish and starts nothing.
  const want = growing
    ? Math.min(pool.maxRunners, Math.max(pool.minRunners, working + restarting + stats.queued))
    : working;
  const inputs = {
    queued: stats.queued,
    oldestQueuedSeconds: stats.oldestQueuedAt ? Math.round((now.getTime() - stats.oldestQueuedAt.getTime()) / 1000) : 0,
    working,
    idle: idle.length,
    stopping: runners.filter((r) => r.status === "stopping").length,
    restarting,
    min: pool.minRunners,
    max: pool.maxRunners,
    want,
  };
  const result = (decision: PoolPass["decision"]): PoolPass => ({ project: pool.project.name, settled, decision });
  const occupied = runners.length;
  if (want > occupied) return result(await grow(deps, pool, want - occupied, inputs, now));
  const excess = live.length + restarting - want;
  if (excess > 0) return result(await shrink(deps, pool, idle, excess, inputs, now));
  // Steady: a later hold is news again.
  if (pool.lastDecision?.startsWith("hold")) await setPoolDecision(deps.db, pool.projectId, "steady");
  return result(null);
}

const stopQuietly = (deps: ApiDeps, runnerId: string) =>
  stopRunner(deps, null, runnerId, "stop").then(
    () => undefined,
    (err: unknown) => {
      // Already ended or its node is gone: nothing left to stop here.
      if (!(err instanceof AppError)) throw err;
    },
  );

/** Each running task whose runner answered and went idle is done; one whose runner ended is judged. */
async function settleTasks(deps: ApiDeps, pool: PoolRow, now: Date): Promise<number> {
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
        await stopQuietly(deps, r.id);
      } else if (
        idle &&
        from > since &&
        now.getTime() - (r.activityAt?.getTime() ?? now.getTime()) >= pool.idleTimeoutSec * 1000
      ) {
        // Restarted, resumed at the prompt, and never took the task up again.
        const why = `its runner restarted and sat idle for over ${pool.idleTimeoutSec} s without taking the task up again`;
        if (await endTask(deps, task.id, projectId, "failed", why)) settled += 1;
        await stopQuietly(deps, r.id);
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

type PoolRunner = Awaited<ReturnType<typeof pooledRunnersOf>>[number];

/**
 * Warm runners (kept for minRunners, idle at a fresh session's prompt) take queued tasks by
 * being typed them: a bracketed paste, so a prompt's newlines stay in it, then Enter.
 */
async function handToWarmRunners(deps: ApiDeps, pool: PoolRow, live: PoolRunner[], now: Date): Promise<Set<string>> {
  if (await budgetHold(deps.db, pool.projectId, now)) return new Set();
  const warm = live.flatMap((r) =>
    !r.taskId && r.status === "running" && r.activity === "idle" && r.nodeId ? [{ ...r, nodeId: r.nodeId }] : [],
  );
  const handed = new Set<string>();
  if (!warm.length) return handed;
  // Only tasks without a model, flags or labels of their own: a warm runner was started without them.
  const tasks = await nextQueuedTasks(deps.db, pool.projectId, warm.length, true);
  for (const [task, runner] of tasks.map((t, i) => [t, warm[i]] as const)) {
    if (!runner) break;
    const taken = await inTransaction(deps.db, deps.bus, async (tx, outbox) => {
      if (!(await moveTask(tx, task.id, ["queued"], { status: "running", runnerId: runner.id, startedAt: now })))
        return false;
      await setRunnerTask(tx, runner.id, task.id);
      const seq = await audit(tx, deps.config.auditKey, null, {
        type: "task.started",
        entityType: "task",
        entityId: task.id,
        projectId: pool.projectId,
        data: { runnerId: runner.id, warm: true },
      });
      announcePool(outbox, seq, pool.projectId);
      return true;
    });
    if (!taken) continue;
    // Control characters out (an ESC could end the paste early and type a command); lines stay.
    const text = [...task.prompt].filter(printable).join("");
    if (!deps.fleet.agents.input(runner.nodeId, runner.id, `\x1b[200~${text}\x1b[201~`)) {
      // Its node is not reachable from here: the task goes back to the queue.
      await inTransaction(deps.db, deps.bus, async (tx) => {
        await moveTask(tx, task.id, ["running"], { status: "queued", runnerId: null, startedAt: null });
        await setRunnerTask(tx, runner.id, null);
      });
      continue;
    }
    // Enter on its own, as a person would press it after pasting.
    setTimeout(() => deps.fleet.agents.input(runner.nodeId, runner.id, "\r"), 150).unref();
    handed.add(runner.id);
  }
  return handed;
}

type Inputs = Record<string, unknown>;

/** Tab, newline and everything from space up, DEL excepted. */
const printable = (ch: string) => {
  const c = ch.charCodeAt(0);
  return c === 9 || c === 10 || (c >= 32 && c !== 127);
};

async function grow(deps: ApiDeps, pool: PoolRow, n: number, inputs: Inputs, now: Date) {
  const hold = await budgetHold(deps.db, pool.projectId, now);
  if (hold) return decide(deps, pool, "hold", 0, hold.reason, { ...inputs, budget: hold.outlook }, "budget");
  const tasks = await nextQueuedTasks(deps.db, pool.projectId, n);
  const maxLoad = { cpuPercent: pool.maxNodeCpuPercent, memoryPercent: pool.maxNodeMemoryPercent };
  let started = 0;
  let refused: AppError | null = null;
  for (let i = 0; i < n; i++) {
    const task = tasks[i] ?? null;
    try {
      await launchPooled(deps, {
        project: { id: pool.projectId, name: pool.project.name },
        labels: [...new Set([...pool.nodeLabels, ...(task?.labels ?? [])])],
        maxLoad,
        task,
      });
      started += 1;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // A task cancelled under it: the next one may go.
      if (err.code === "CONFLICT") continue;
      refused = err;
      break;
    }
  }
  if (started)
    return decide(
      deps,
      pool,
      "up",
      started,
      `${inputs.queued} queued, ${inputs.working} working: started ${started}` +
        (refused ? ` of ${n} (${refused.message})` : ""),
      inputs,
    );
  if (refused) return decide(deps, pool, "hold", 0, refused.message, { ...inputs, code: refused.code }, refused.code);
  return null;
}

/** Idle runners past the idle timeout stop, the longest idle first, down to what is wanted. */
async function shrink(deps: ApiDeps, pool: PoolRow, idle: PoolRunner[], excess: number, inputs: Inputs, now: Date) {
  const idleSince = (r: PoolRunner) => (r.activityAt ?? r.startedAt ?? r.createdAt).getTime();
  const due = idle
    .filter((r) => now.getTime() - idleSince(r) >= pool.idleTimeoutSec * 1000)
    .sort((a, b) => idleSince(a) - idleSince(b))
    .slice(0, excess);
  let stopped = 0;
  for (const r of due) {
    try {
      await stopRunner(deps, null, r.id, "stop");
      stopped += 1;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
    }
  }
  if (!stopped) return null;
  return decide(
    deps,
    pool,
    "down",
    stopped,
    `stopped ${stopped} idle for over ${pool.idleTimeoutSec} s; ${inputs.want} wanted`,
    inputs,
  );
}

/**
 * Records a decision as a `pool.scaled` audit event with its inputs. A hold for the same cause
 * as the last decision is not recorded again (it would be every pass); starts and stops always are.
 */
async function decide(
  deps: ApiDeps,
  pool: PoolRow,
  action: Action,
  count: number,
  reason: string,
  inputs: Inputs,
  cause = "",
): Promise<PoolPass["decision"]> {
  const key = action === "hold" ? `hold:${cause}` : `${action}:${Date.now()}`;
  const decision = { action, count, reason };
  if (action === "hold" && pool.lastDecision === key) return decision;
  await inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    await setPoolDecision(tx, pool.projectId, key);
    const seq = await audit(tx, deps.config.auditKey, null, {
      type: "pool.scaled",
      entityType: "pool",
      entityId: pool.projectId,
      projectId: pool.projectId,
      data: JSON.parse(JSON.stringify({ action, count, reason, inputs })),
    });
    announcePool(outbox, seq, pool.projectId);
  });
  return decision;
}
