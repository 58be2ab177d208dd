import { AppError } from "@stratavore/contracts";
import { nextQueuedTasks, type PoolRow, setPoolDecision } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { launchPooled } from "../runners/launch-service.ts";
import { stopRunner } from "../runners/runner-lifecycle.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { budgetHold } from "./budget-outlook.ts";
import { typeableTasks } from "./refuse-command-tasks.ts";
import { announcePool } from "./tasks-service.ts";
import type { PoolRunner } from "./warm-runner-handoff.ts";

type Action = "up" | "down" | "hold";

export interface PoolPass {
  project: string;
  settled: number;
  decision: { action: Action; count: number; reason: string } | null;
}

type Inputs = Record<string, unknown>;

export async function grow(deps: ApiDeps, pool: PoolRow, n: number, inputs: Inputs, now: Date) {
  const hold = await budgetHold(deps.db, pool.projectId, now);
  if (hold) return decide(deps, pool, "hold", 0, hold.reason, { ...inputs, budget: hold.outlook }, "budget");
  const tasks = await typeableTasks(deps, pool.projectId, await nextQueuedTasks(deps.db, pool.projectId, n));
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
export async function shrink(
  deps: ApiDeps,
  pool: PoolRow,
  idle: PoolRunner[],
  excess: number,
  inputs: Inputs,
  now: Date,
) {
  const idleSince = (r: PoolRunner) => (r.activityAt ?? r.startedAt ?? r.createdAt).getTime();
  const due = idle
    .filter((r) => now.getTime() - idleSince(r) >= pool.idleTimeoutSec * 1000)
    .sort((a, b) => idleSince(a) - idleSince(b))
    .slice(0, excess);
  let stopped = 0;
  for (const r of due) {
    try {
      await stopRunner(
        deps,
        null,
        r.id,
        "stop",
        `stopped: idle for over ${pool.idleTimeoutSec} s in a pool with more runners than work`,
      );
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
