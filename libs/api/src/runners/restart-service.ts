import { AppError } from "@stratavore/contracts";
import { activeRunnersOfSession, candidateNodes, countActiveOnNode, countActiveRunners, findProject, findRunner } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { assertLaunchAllowed } from "../budgets/policy/checks.ts";
import { dispatchToAgent } from "./launch-service.ts";
import { moveRunner } from "./runner-events.ts";
import { inTransaction, lock, type TxClient } from "../shared/transaction.ts";


/** Its original node when it is back and has room, else the least-loaded one that has. */
async function pickNode(deps: ApiDeps, tx: TxClient, previous: string | null, labels: string[]): Promise<string | null> {
  const nodes = (await candidateNodes(tx, { labels })).filter((n) => deps.fleet.agents.isConnected(n.id));
  nodes.sort((a, b) => Number(b.id === previous) - Number(a.id === previous));
  // Same fixed lock order as a launch, so the two never deadlock.
  for (const n of [...nodes].sort((a, b) => a.id.localeCompare(b.id))) await lock(tx, `node:${n.id}`);
  for (const n of nodes) {
    if ((await countActiveOnNode(tx, n.id)) < n.capacity) return n.id;
  }
  return null;
}

/**
 * Relaunches a failed runner that is due (`nextRestartAt` passed) with `--resume <session>`,
 * under the same quota and capacity locks as a launch. A restart that cannot be placed (no
 * node with room, quota full, a budget blocking) waits — `restart_deferred`, no attempt used —
 * and is tried again until `restartWaitMs` has passed since the first deferral (DESIGN §2).
 */
export async function restartDueRunner(deps: ApiDeps, runnerId: string, now = new Date()): Promise<void> {
  const runner = await findRunner(deps.db, runnerId);
  if (!runner || runner.status !== "failed" || !runner.nextRestartAt || !runner.sessionId) return;
  const project = await findProject(deps.db, runner.projectId);
  const attempt = runner.restartAttempts + 1;
  const wait = deferral(deps, runner.restartDeferredSince, now);
  // Queued with launches of the project (launch-service): waiting for the lock outside a transaction.
  const restarted = await deps.fleet.serially(`admit:${runner.projectId}`, () => inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    const defer = (why: string) => {
      const data = wait.giveUp
        ? { nextRestartAt: null, restartDeferredSince: null, endReason: `${runner.endReason}; not restarted: ${why} for ${Math.round(wait.waitedMs / 60_000)} min` }
        : { nextRestartAt: wait.next, restartDeferredSince: wait.since };
      return moveRunner(deps, tx, outbox, null, { runnerId, from: ["failed"], data, event: wait.giveUp ? "runner.restart_abandoned" : "runner.restart_deferred", details: { why, waitedMs: wait.waitedMs } }).then(() => null);
    };
    if (!project || project.status === "archived") {
      return moveRunner(deps, tx, outbox, null, { runnerId, from: ["failed"], data: { nextRestartAt: null, restartDeferredSince: null, endReason: `${runner.endReason}; not restarted: project archived or deleted` }, event: "runner.restart_abandoned" }).then(() => null);
    }
    await lock(tx, `project:${project.id}`);
    if ((await countActiveRunners(tx, project.id)) >= project.maxRunners) return defer("quota full");
    // Someone resumed the session meanwhile: a second claude on the same transcript would interleave it.
    if ((await activeRunnersOfSession(tx, runner.sessionId ?? "")) > 0) return defer("its session is open in another runner");
    const blocked = await assertLaunchAllowed(deps, tx, project.id).then(() => null, (err: unknown) => (err instanceof AppError && err.code === "BUDGET_BLOCKED" ? err.message : Promise.reject(err)));
    if (blocked) return defer(`budget: ${blocked}`);
    // The labels it was launched with (the project's and the launch's own), so a restart never lands where the launch could not.
    const row = await tx.runner.findUnique({ where: { id: runnerId }, select: { labels: true } });
    const nodeId = await pickNode(deps, tx, runner.nodeId, row?.labels ?? []);
    if (!nodeId) return defer("no online node with room");
    return moveRunner(deps, tx, outbox, null, {
      runnerId, from: ["failed"],
      data: { status: "starting", nodeId, restartAttempts: attempt, conversationMode: "resume", nextRestartAt: null, restartDeferredSince: null, lostAt: null, pauseReason: null, pausedByBudgetId: null, pid: null, exitCode: null, endedAt: null, endReason: null },
      event: "runner.restarting", details: { attempt, nodeId },
    });
  }));
  if (!restarted?.sessionId || !project) return;
  await dispatchToAgent(deps, null, restarted, project.path, { mode: "resume", sessionId: restarted.sessionId }, { restart: true }).catch(async (err: unknown) => {
    if (!(err instanceof AppError)) throw err; // a refused relaunch is already recorded as failed
    // The node was full, unreachable or still ran the old process: a placement problem, not a
    // crash — give the attempt back and wait like any restart with nowhere to go.
    if (PLACEMENT_REFUSALS.has(String(err.details?.agentCode))) await deferAfterRefusal(deps, runnerId, runner.restartAttempts, wait, err.message);
  });
}

/**
 * Where a restart that cannot happen now stands: waiting since the first deferral (so
 * `restartWaitMs` bounds it however often it is retried), the next try, or time to give up.
 */
function deferral(deps: ApiDeps, deferredSince: Date | null, now: Date) {
  const since = deferredSince ?? now;
  const waitedMs = now.getTime() - since.getTime();
  const next = new Date(now.getTime() + Math.min(30_000, deps.fleet.config.restartBaseMs * 4));
  return { since, waitedMs, next, giveUp: waitedMs >= deps.fleet.config.restartWaitMs };
}

const PLACEMENT_REFUSALS = new Set(["AT_CAPACITY", "DUPLICATE", "UNREACHABLE"]);

/** The attempt is given back; a node that keeps refusing is still bounded by the same wait. */
async function deferAfterRefusal(deps: ApiDeps, runnerId: string, attempts: number, wait: ReturnType<typeof deferral>, why: string): Promise<void> {
  await inTransaction(deps.db, deps.bus, (tx, outbox) =>
    moveRunner(deps, tx, outbox, null, {
      runnerId, from: ["failed"],
      data: wait.giveUp
        ? { restartAttempts: attempts, nextRestartAt: null, restartDeferredSince: null }
        : { restartAttempts: attempts, nextRestartAt: wait.next, restartDeferredSince: wait.since },
      event: wait.giveUp ? "runner.restart_abandoned" : "runner.restart_deferred", details: { why },
    }),
  );
}
