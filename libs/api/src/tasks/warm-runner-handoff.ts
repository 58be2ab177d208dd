import { moveTask, nextQueuedTasks, type PoolRow, pooledRunnersOf, setRunnerTask } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { budgetHold } from "./budget-outlook.ts";
import { typeableTasks } from "./refuse-command-tasks.ts";
import { announcePool } from "./tasks-service.ts";

export type PoolRunner = Awaited<ReturnType<typeof pooledRunnersOf>>[number];

/**
 * Warm runners (kept for minRunners, idle at a fresh session's prompt) take queued tasks by
 * being typed them: a bracketed paste, so a prompt's newlines stay in it, then Enter.
 */
export async function handToWarmRunners(
  deps: ApiDeps,
  pool: PoolRow,
  live: PoolRunner[],
  now: Date,
): Promise<Set<string>> {
  if (await budgetHold(deps.db, pool.projectId, now)) return new Set();
  const warm = live.flatMap((r) =>
    !r.taskId && r.status === "running" && r.activity === "idle" && r.nodeId ? [{ ...r, nodeId: r.nodeId }] : [],
  );
  const handed = new Set<string>();
  if (!warm.length) return handed;
  // Only tasks without a model, flags or labels of their own: a warm runner was started without them.
  const tasks = await typeableTasks(
    deps,
    pool.projectId,
    await nextQueuedTasks(deps.db, pool.projectId, warm.length, true),
  );
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

/** Tab, newline and everything from space up, DEL and the C1 controls (0x80–0x9F: CSI among them) excepted. */
const printable = (ch: string) => {
  const c = ch.charCodeAt(0);
  return c === 9 || c === 10 || (c >= 32 && c !== 127 && !(c >= 0x80 && c <= 0x9f));
};
