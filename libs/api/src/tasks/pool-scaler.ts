import {
  pooledRunnersOf,
  type PoolRow,
  queueStats,
  runningTaskIds,
  setPoolDecision,
  workingPools,
} from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { grow, shrink, type PoolPass } from "./pool-grow-shrink.ts";
import { settleTasks, stopQuietly } from "./settle-pool-tasks.ts";
import { handToWarmRunners } from "./warm-runner-handoff.ts";

export type { PoolPass } from "./pool-grow-shrink.ts";

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
      await stopQuietly(deps, r.id, "stopped: its task ended elsewhere (cancelled, or failed after a move)");
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
