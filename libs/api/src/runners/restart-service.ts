import { AppError, lostWithItsNode } from "@stratavore/contracts";
import { advisoryLock, findProject, findRunner, runnerLabels, transitionRunner } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { admit, admitting } from "./admission.ts";
import { folderAvoidance } from "./folder-placement.ts";
import { dispatchToAgent } from "./launch-service.ts";
import { moveRunner } from "./runner-events.ts";
import { inTransaction } from "../shared/transaction.ts";

/**
 * Relaunches a failed runner that is due (`nextRestartAt` passed) with `--resume <session>`,
 * through the same admission as a launch (admission.ts). A restart that cannot be placed (no
 * node with room, quota full, a budget blocking) waits — `restart_deferred`, no attempt used —
 * and is tried again until `restartWaitMs` has passed since the first deferral (DESIGN §2).
 */
export async function restartDueRunner(deps: ApiDeps, runnerId: string, now = new Date()): Promise<void> {
  const runner = await findRunner(deps.db, runnerId);
  if (!runner || runner.status !== "failed" || !runner.nextRestartAt || !runner.sessionId) return;
  const project = await findProject(deps.db, runner.projectId);
  const attempt = runner.restartAttempts + (lostWithItsNode(runner.endReason) ? 0 : 1);
  const wait = deferral(deps, runner.restartDeferredSince, now);
  const labels = await runnerLabels(deps.db, runnerId);
  // Where its folder is, asked before the locks: a restart away from its old node must not land
  // where the project is not checked out (it would fail there, its attempt spent for nothing).
  const folder = project ? await folderAvoidance(deps, project.path, labels) : undefined;
  const restarted = await admitting(deps, runner.projectId, async (tx, outbox) => {
    // Judged again under the project's lock: a resume from the dashboard, or a runner taking the
    // session up in its terminal, may have cancelled this restart since it was read (deferring it
    // below would set it again, and it would resume a conversation someone else took over).
    await advisoryLock(tx, `project:${runner.projectId}`);
    const current = await findRunner(tx, runnerId);
    if (current?.status !== "failed" || !current.nextRestartAt) return null;
    const defer = (why: string) => {
      const data = wait.giveUp
        ? {
            nextRestartAt: null,
            restartDeferredSince: null,
            endReason: `${runner.endReason}; not restarted: ${why} for ${Math.round(wait.waitedMs / 60_000)} min`,
          }
        : { nextRestartAt: wait.next, restartDeferredSince: wait.since };
      // Its first deferral is an event; trying again every few seconds while it waits is not
      // (it wrote an audit event each time: 10 in two minutes behind a budget).
      if (!wait.giveUp && current.restartDeferredSince)
        return transitionRunner(tx, runnerId, ["failed"], data).then(() => null);
      return moveRunner(deps, tx, outbox, null, {
        runnerId,
        from: ["failed"],
        data,
        event: wait.giveUp ? "runner.restart_abandoned" : "runner.restart_deferred",
        details: { why, waitedMs: wait.waitedMs },
      }).then(() => null);
    };
    if (!project || project.status === "archived") {
      return moveRunner(deps, tx, outbox, null, {
        runnerId,
        from: ["failed"],
        data: {
          nextRestartAt: null,
          restartDeferredSince: null,
          endReason: `${runner.endReason}; not restarted: project archived or deleted`,
        },
        event: "runner.restart_abandoned",
      }).then(() => null);
    }
    // The same admission as a launch, on the labels it was launched with (the project's and
    // the launch's own, so a restart never lands where the launch could not), its old node first.
    // Someone may have resumed the session meanwhile: a second claude would interleave it.
    const nodeId = await admit(deps, tx, {
      project,
      labels,
      folder,
      preferredNodeId: runner.nodeId,
      exclusiveSession: runner.sessionId ?? undefined,
    }).catch((err: unknown) => {
      const why = err instanceof AppError ? DEFER_REASONS[err.code]?.(err.message) : undefined;
      if (why === undefined) throw err;
      return defer(why);
    });
    if (!nodeId) return null;
    return moveRunner(deps, tx, outbox, null, {
      runnerId,
      from: ["failed"],
      data: {
        status: "starting",
        // Judged overdue from now, not from the row's creation: a heartbeat or the reconciler
        // would otherwise take over (adopt or fail) the restart while its launch is answered.
        launchedAt: new Date(),
        // Its previous run's start would make an exit before this one runs look long-lived
        // (restartsSoFar), and a crash loop's count start over.
        startedAt: null,
        nodeId,
        restartAttempts: attempt,
        conversationMode: "resume",
        nextRestartAt: null,
        restartDeferredSince: null,
        lostAt: null,
        pauseReason: null,
        pausedByBudgetId: null,
        pid: null,
        exitCode: null,
        endedAt: null,
        endReason: null,
      },
      event: "runner.restarting",
      details: { attempt, nodeId },
    });
  });
  if (!restarted?.sessionId || !project) return;
  await dispatchToAgent(
    deps,
    null,
    restarted,
    project.path,
    { mode: "resume", sessionId: restarted.sessionId },
    { restart: true },
  ).catch(async (err: unknown) => {
    if (!(err instanceof AppError)) throw err; // a refused relaunch is already recorded as failed
    // The node was full, unreachable or still ran the old process: a placement problem, not a
    // crash — give the attempt back and wait like any restart with nowhere to go.
    if (PLACEMENT_REFUSALS.has(String(err.details?.agentCode)))
      await deferAfterRefusal(deps, runnerId, runner.restartAttempts, wait, err.message, !!runner.restartDeferredSince);
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

/** Why an admission refused a restart, as its deferral says it; any other error is a failure. */
const DEFER_REASONS: Partial<Record<string, (message: string) => string>> = {
  QUOTA_EXCEEDED: () => "quota full",
  CONFLICT: () => "its session is open in another runner",
  BUDGET_BLOCKED: (message) => `budget: ${message}`,
  NO_NODE_AVAILABLE: () => "no online node with room",
  PATH_MISSING: () => "the project's folder is on no online node",
};

/**
 * A node's agent that could not say beforehand that the folder is missing (an earlier release)
 * refuses PATH_MISSING at the restart itself: that stays a final failure, as before, rather
 * than a retry that would fail (and announce it) on the same preferred node every few seconds.
 */
const PLACEMENT_REFUSALS = new Set(["AT_CAPACITY", "DUPLICATE", "UNREACHABLE"]);

/**
 * The attempt is given back; a node that keeps refusing is still bounded by the same wait. As
 * with an admission's deferral, only the first is an event: the retries are quiet.
 */
async function deferAfterRefusal(
  deps: ApiDeps,
  runnerId: string,
  attempts: number,
  wait: ReturnType<typeof deferral>,
  why: string,
  waitingAlready: boolean,
): Promise<void> {
  // Failed again by the refused launch (agent-dispatch): back to waiting from there.
  const data = wait.giveUp
    ? { restartAttempts: attempts, nextRestartAt: null, restartDeferredSince: null }
    : { restartAttempts: attempts, nextRestartAt: wait.next, restartDeferredSince: wait.since };
  await inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    if (waitingAlready && !wait.giveUp) return void (await transitionRunner(tx, runnerId, ["failed"], data));
    await moveRunner(deps, tx, outbox, null, {
      runnerId,
      from: ["failed"],
      data,
      event: wait.giveUp ? "runner.restart_abandoned" : "runner.restart_deferred",
      details: { why },
    });
  });
}
