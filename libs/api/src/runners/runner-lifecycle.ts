import { restartDelayMs, shouldRestart } from "@stratavore/runner";
import { ACTIVE_RUNNER_STATUSES, AppError, restartCancelledReason, type Runner } from "@stratavore/contracts";
import { advisoryLock, findRunner, runnerNodeAndStatus } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import type { RunnerEndCause } from "../metrics/api-metrics.ts";
import { audit, type Actor } from "../shared/audit.ts";
import { assertUnpauseAllowed } from "../budgets/policy/checks.ts";
import { launchToken } from "./launch-token.ts";
import { moveRunner } from "./runner-events.ts";
import { inTransaction } from "../shared/transaction.ts";

export interface RunnerEnd {
  runnerId: string;
  exitCode: number | null;
  signal: string | null;
  /** user: stop/kill asked for; process: it ended by itself; agent: its agent lost it. */
  endedBy: "user" | "process" | "agent";
  reason?: string;
  /** The kernel killed part of it for exceeding its cgroup memory limit. */
  oomKilled?: boolean;
  /** The pid of the run that ended, when its agent says (see runnerExitedSchema). */
  pid?: number;
  /** Which launch ended (launchToken), when its agent says. */
  launch?: string;
}

/**
 * A runner ended. Clean ends and user stops → `terminated`; anything else → `failed`, and
 * when the restart policy allows, it is due a `--resume` relaunch after a backoff (the
 * reconciler performs it). A crash loop ends `failed` with the reason.
 */
export async function recordRunnerEnd(deps: ApiDeps, actor: Actor, end: RunnerEnd): Promise<Runner | null> {
  const current = await findRunner(deps.db, end.runnerId);
  if (!current || !(ACTIVE_RUNNER_STATUSES as readonly string[]).includes(current.status)) return current;
  // About another run of this runner (an exit whose answer was late, said again after the
  // runner was restarted on the same node): this run goes on.
  // The pid decides when both sides know it (an adopted run keeps its pid, whatever launch
  // started it); before the run's pid is recorded (a restart still `starting`), its launch token.
  if (end.pid !== undefined && current.pid !== null) {
    if (current.pid !== end.pid) return current;
  } else if (end.launch !== undefined && end.launch !== launchToken(current)) return current;
  // A runner already being stopped ended as asked, whatever took it (agent crash, lost node).
  const clean = end.endedBy === "user" || current.status === "stopping" || (end.exitCode === 0 && !end.signal);
  const memory = current.memoryLimitBytes ? ` (${Math.round(current.memoryLimitBytes / 1048576)} MiB)` : "";
  // Who asked, when someone did (stopRunner records it on the way to `stopping`): a budget, a user.
  const asked = current.status === "stopping" ? current.endReason : null;
  const how =
    asked ?? (end.endedBy === "user" ? "stopped" : end.signal ? `signal ${end.signal}` : `exit code ${end.exitCode}`);
  // Claude itself killed by the limit, or only one of its tools (then claude went on and ended well).
  const oom = clean
    ? `${how}; a process was killed by its memory limit${memory}`
    : `killed by its memory limit${memory}; ${how}`;
  const reason = end.reason ?? (end.oomKilled ? oom : how);
  const attempts = restartsSoFar(deps, current);
  // A runner lost with its agent (heartbeat_lost, agent_restarted) counts as an unexpected end,
  // but not as its own crash: it is restarted without using an attempt (lostWithItsNode).
  const restart =
    !clean &&
    !!current.sessionId &&
    shouldRestart({
      exitCode: end.exitCode,
      signal: end.signal ?? (end.endedBy === "agent" ? "LOST" : null),
      endedBy: "process",
      attempts: end.endedBy === "agent" ? 0 : attempts,
      maxAttempts: current.maxRestarts,
    });
  const exhausted = !clean && !restart && attempts >= current.maxRestarts;
  const data = {
    status: clean ? ("terminated" as const) : ("failed" as const),
    exitCode: end.exitCode,
    endedAt: new Date(),
    pid: null,
    // Its last sample is not what an ended runner uses ("failed … 0.1 % 247.6 MiB" read as live).
    cpuPercent: null,
    memoryBytes: null,
    lostAt: null,
    pauseReason: null,
    pausedByBudgetId: null,
    restartAttempts: attempts,
    endReason: exhausted ? `crash loop: ${reason} after ${attempts} restarts` : reason,
    nextRestartAt: restart
      ? new Date(Date.now() + restartDelayMs(attempts + 1, { baseMs: deps.fleet.config.restartBaseMs }))
      : null,
  };
  const moved = await inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    const runner = await moveRunner(deps, tx, outbox, actor, {
      runnerId: end.runnerId,
      from: ACTIVE_RUNNER_STATUSES,
      data,
      event: clean ? "runner.terminated" : "runner.failed",
      details: { reason: data.endReason, exitCode: end.exitCode, restartScheduled: restart },
    });
    // Its last failure is also the end of its restarts: a fact of its own, announced as
    // crash-looping (a failure that will be retried is not one).
    if (runner && exhausted)
      await audit(tx, deps.config.auditKey, null, {
        type: "runner.crash_looped",
        entityType: "runner",
        entityId: runner.id,
        data: { restarts: attempts, reason },
      });
    return runner;
  });
  deps.fleet.forgetRunner(end.runnerId);
  if (moved) deps.metrics.runnerEnds.inc({ status: data.status, cause: endCause(end, clean, exhausted) });
  return moved;
}

/** The bounded cause label of stratavore_runner_ends_total (the words stay in endReason). */
function endCause(end: RunnerEnd, clean: boolean, exhausted: boolean): RunnerEndCause {
  if (exhausted) return "crash_loop";
  if (end.oomKilled) return "oom";
  if (end.endedBy === "user" || (clean && end.endedBy !== "process")) return "stopped";
  if (end.endedBy === "agent") return "lost";
  if (end.signal) return "signal";
  return end.exitCode === 0 ? "exited" : "exit_error";
}

/**
 * The restarts a failing run counts as already made: a run that lasted `restartStableMs` was
 * not part of a crash loop, so its count starts afresh (one failure a day is not a loop).
 */
export function restartsSoFar(deps: ApiDeps, r: Pick<Runner, "startedAt" | "restartAttempts">): number {
  const ranMs = r.startedAt ? Date.now() - r.startedAt.getTime() : 0;
  return ranMs >= deps.fleet.config.restartStableMs ? 0 : r.restartAttempts;
}

async function mustFindActive(deps: ApiDeps, id: string): Promise<Runner & { nodeId: string }> {
  const runner = await findRunner(deps.db, id);
  if (!runner) throw new AppError("NOT_FOUND", "No such runner.");
  if (!(ACTIVE_RUNNER_STATUSES as readonly string[]).includes(runner.status) || !runner.nodeId) {
    throw new AppError("RUNNER_NOT_ACTIVE", `The runner is ${runner.status}.`);
  }
  return runner as Runner & { nodeId: string };
}

/** "stopped by ann@example.com", "killed" (the system): what a stop says when nobody gave a reason. */
function stopCause(actor: Actor, action: "stop" | "kill"): string {
  const done = action === "kill" ? "killed" : "stopped";
  return actor && "user" in actor ? `${done} by ${actor.user.email}` : done;
}

/**
 * Stop (graceful) or kill: `stopping` now, `terminated` when the agent reports the exit, its
 * end reason `why` (a budget's words) or who asked. A failed runner waiting to restart is not
 * restarted instead (cancelRestart).
 */
export async function stopRunner(
  deps: ApiDeps,
  actor: Actor,
  id: string,
  action: "stop" | "kill",
  why = stopCause(actor, action),
  opts: { onlyRestart?: boolean } = {},
): Promise<Runner> {
  const waiting = await findRunner(deps.db, id);
  if (waiting?.status === "failed" && waiting.nextRestartAt) {
    const cancelled = await cancelRestart(deps, actor, waiting, why);
    if (cancelled) return cancelled;
  }
  if (opts.onlyRestart)
    throw new AppError(
      "CONFLICT",
      "It is no longer waiting to restart (it restarted, or its restart ended); nothing was stopped.",
    );
  const runner = await mustFindActive(deps, id);
  const moved = await inTransaction(deps.db, deps.bus, (tx, outbox) =>
    moveRunner(deps, tx, outbox, actor, {
      runnerId: id,
      from: ACTIVE_RUNNER_STATUSES,
      // Said when its exit is recorded (recordRunnerEnd), whoever reports it.
      data: { status: "stopping", nextRestartAt: null, endReason: why },
      event: action === "kill" ? "runner.kill_requested" : "runner.stop_requested",
    }),
  );
  const ack = await deps.fleet.agents.signal(
    runner.nodeId,
    { runnerId: id, action },
    deps.fleet.config.agentAckTimeoutMs,
  );
  // The agent no longer has it (or is unreachable): nothing will report an exit, so record it
  // now. Should its node come back still running it, the server kills it then (a stray).
  if (!ack.ok) {
    const reason =
      runner.status === "lost"
        ? `${why} while its node was unreachable (killed there if the node returns)`
        : `${why} (${ack.message})`;
    return (
      (await recordRunnerEnd(deps, actor, { runnerId: id, exitCode: null, signal: null, endedBy: "user", reason })) ??
      runner
    );
  }
  return moved ?? runner;
}

/**
 * A failed runner waiting for its restart (a backoff, or a budget or full node deferring it)
 * is stopped by not restarting it — under the project's lock, as the restart is judged, so the
 * two cannot both win. Null when it is no longer waiting (the restart began: stop that instead).
 */
async function cancelRestart(deps: ApiDeps, actor: Actor, runner: Runner, why: string): Promise<Runner | null> {
  return inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    await advisoryLock(tx, `project:${runner.projectId}`);
    const current = await findRunner(tx, runner.id);
    if (current?.status !== "failed" || !current.nextRestartAt) return null;
    return moveRunner(deps, tx, outbox, actor, {
      runnerId: runner.id,
      from: ["failed"],
      data: {
        nextRestartAt: null,
        restartDeferredSince: null,
        endReason: restartCancelledReason(current.endReason, why),
      },
      event: "runner.restart_cancelled",
      details: { reason: why },
    });
  });
}

/** Who paused a runner, in words, and whether a budget did (lifting it then thaws the runner). */
export interface PauseCause {
  reason: string;
  budgetId: string | null;
}

function pauseCause(actor: Actor, given?: PauseCause): PauseCause {
  if (given) return given;
  if (actor && "user" in actor) return { reason: `paused by ${actor.user.email}`, budgetId: null };
  return { reason: "paused", budgetId: null };
}

/**
 * Pause = freeze the runner's cgroup on its node (SIGSTOP of the tree where the node has no
 * cgroups); unpause = thaw. The agent confirms first. The cause is kept for the runner page
 * and so that a budget's pause is lifted with the budget, while a person's pause stays; an
 * unpause's cause only goes into the timeline.
 */
export function setPaused(
  deps: ApiDeps,
  actor: Actor,
  id: string,
  paused: boolean,
  cause?: PauseCause,
): Promise<Runner> {
  // One pause or unpause of a runner at a time: the node's state and the row change together,
  // so a budget's release and an agent's allowance pause cannot cross (frozen but "running").
  return deps.fleet.serially(`pause:${id}`, () => pauseOrUnpause(deps, actor, id, paused, cause));
}

async function pauseOrUnpause(
  deps: ApiDeps,
  actor: Actor,
  id: string,
  paused: boolean,
  cause?: PauseCause,
): Promise<Runner> {
  const runner = await mustFindActive(deps, id);
  const from = paused ? (["running"] as const) : (["paused"] as const);
  if (runner.status !== from[0])
    throw new AppError("INVALID_TRANSITION", `A ${runner.status} runner cannot be ${paused ? "paused" : "unpaused"}.`);
  if (!paused) await assertUnpauseAllowed(deps, runner);
  const ack = await deps.fleet.agents.signal(
    runner.nodeId,
    { runnerId: id, action: paused ? "pause" : "resume" },
    deps.fleet.config.agentAckTimeoutMs,
  );
  if (!ack.ok && ack.code === "ALLOWANCE_SPENT")
    throw new AppError("BUDGET_BLOCKED", ack.message, { budgetId: ack.budgetId });
  if (!ack.ok) throw new AppError("NODE_UNAVAILABLE", ack.message);
  const why = paused ? pauseCause(actor, cause) : null;
  const moved = await inTransaction(deps.db, deps.bus, (tx, outbox) =>
    moveRunner(deps, tx, outbox, actor, {
      runnerId: id,
      from,
      data: {
        status: paused ? "paused" : "running",
        pauseReason: why?.reason ?? null,
        pausedByBudgetId: why?.budgetId ?? null,
      },
      event: paused ? "runner.paused" : "runner.unpaused",
      // A thaw by the system (a budget's release) says why in the timeline, as its pause did.
      details: why
        ? { reason: why.reason, budgetId: why.budgetId }
        : cause
          ? { reason: cause.reason, budgetId: cause.budgetId }
          : {},
    }),
  );
  if (!moved) throw new AppError("INVALID_TRANSITION", "The runner changed state meanwhile.");
  return moved;
}

/** Which node runs a runner (cached per process; restarts may move it, see setOwner). */
export function runnerNode(deps: ApiDeps, runnerId: string): Promise<string | null> {
  return deps.fleet.ownerOf(runnerId, async (id) => (await runnerNodeAndStatus(deps.db, id))?.nodeId ?? null);
}
