import { AppError, type LaunchCommand, type Runner } from "@stratavore/contracts";
import { dropSessionNeverUsed } from "@stratavore/db";
import { launchAllowances, pushAllowances } from "../budgets/policy/allowances.ts";
import type { ApiDeps } from "../deps.ts";
import type { Actor } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { launchToken } from "./launch-token.ts";
import { moveRunner } from "./runner-events.ts";
import { restoreTranscript } from "./restore-service.ts";
import type { SessionPlan } from "./session-plan.ts";

const AGENT_CODES = {
  PATH_MISSING: "PATH_MISSING",
  AT_CAPACITY: "NODE_UNAVAILABLE",
  DUPLICATE: "CONFLICT",
  SPAWN_FAILED: "NODE_UNAVAILABLE",
  UNREACHABLE: "NODE_UNAVAILABLE",
} as const;

/** Refusals that mean the agent spawned nothing (a lost answer or a failed spawn may have left a process). */
const NEVER_STARTED = new Set(["PATH_MISSING", "AT_CAPACITY"]);

/** Sends a `starting` runner to its node and records the outcome. Also used by restarts. */
export async function dispatchToAgent(
  deps: ApiDeps,
  actor: Actor,
  runner: Runner,
  cwd: string,
  session: SessionPlan["spec"],
  opts: { restart?: boolean } = {},
): Promise<Runner> {
  const cmd: LaunchCommand = {
    runnerId: runner.id,
    launch: launchToken(runner),
    cwd,
    spec: {
      ...session,
      model: runner.model ?? undefined,
      // A restart resumes the conversation; sending the first task again would repeat its work.
      prompt: opts.restart ? undefined : (runner.prompt ?? undefined),
      extraArgs: runner.flags,
    },
    limits:
      runner.memoryLimitBytes || runner.cpuLimitPercent
        ? { memoryBytes: runner.memoryLimitBytes ?? undefined, cpuPercent: runner.cpuLimitPercent ?? undefined }
        : undefined,
    // Watched from its first response; without it, a loaded server's delay is unwatched spend.
    allowances: await launchAllowances(deps, runner).catch((err: unknown) => {
      deps.log("warn", "computing a launch's budget allowances failed; the push after its start covers it", {
        runnerId: runner.id,
        error: String(err),
      });
      return undefined;
    }),
    cols: 120,
    rows: 32,
  };
  const nodeId = runner.nodeId;
  if (!nodeId) throw new AppError("NO_NODE_AVAILABLE", "The runner has no node.");
  deps.fleet.setOwner(runner.id, nodeId);
  // Resuming on a machine that never saw (or has since deleted) the transcript: put it back first.
  const resumeId = session.mode === "resume" ? session.sessionId : null;
  if (resumeId) {
    try {
      await restoreTranscript(deps, nodeId, resumeId, cwd);
    } catch (err) {
      // The row is committed as `starting`: never leave it there holding a quota slot.
      const failed = await inTransaction(deps.db, deps.bus, (tx, outbox) =>
        moveRunner(deps, tx, outbox, null, {
          runnerId: runner.id,
          from: ["starting"],
          data: {
            status: "failed",
            endedAt: new Date(),
            endReason: `restore failed: ${err instanceof Error ? err.message : String(err)}`,
          },
          event: "runner.failed",
        }),
      );
      if (failed) deps.metrics.runnerEnds.inc({ status: "failed", cause: "launch_error" });
      throw err;
    }
  }
  const ack = await deps.fleet.agents.launch(nodeId, cmd, deps.fleet.config.agentAckTimeoutMs);
  const outcome = ack.ok
    ? {
        data: { status: "running" as const, pid: ack.pid, startedAt: new Date(), lastHeartbeatAt: new Date() },
        event: "runner.started" as const,
        details: { pid: ack.pid },
      }
    : {
        data: {
          status: "failed" as const,
          endedAt: new Date(),
          endReason: `${ack.code.toLowerCase()}: ${ack.message}`,
        },
        event: "runner.failed" as const,
        details: { code: ack.code },
      };
  const moved = await inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    // Refused before anything ran: the new session it would have written stays out of the archive.
    // Only a session this launch made: a restart or a resume keeps its own (a restart is the same
    // runner row, so "no other runner" would not protect it).
    if (!ack.ok && NEVER_STARTED.has(ack.code) && runner.sessionId && !opts.restart && session.mode !== "resume")
      await dropSessionNeverUsed(tx, runner.sessionId, runner.id);
    return moveRunner(deps, tx, outbox, { nodeId }, { runnerId: runner.id, from: ["starting"], ...outcome });
  });
  if (!ack.ok && moved) deps.metrics.runnerEnds.inc({ status: "failed", cause: "launch_error" });
  // The agent may have spawned it anyway (its answer was lost) or the row moved meanwhile (a
  // stop, a budget): either way no process may run that the database does not call active.
  if ((ack.ok && !moved) || (!ack.ok && (ack.code === "SPAWN_FAILED" || ack.code === "UNREACHABLE")))
    void deps.fleet.agents.signal(nodeId, { runnerId: runner.id, action: "kill" }, 5000);
  if (!ack.ok) throw new AppError(AGENT_CODES[ack.code], ack.message, { runnerId: runner.id, agentCode: ack.code });
  // Its share of the budgets over it, and everyone else's smaller share, from the start.
  if (moved)
    await pushAllowances(deps, [moved.projectId]).catch((err: unknown) =>
      deps.log("warn", "sending budget allowances failed", { error: String(err) }),
    );
  return moved ?? runner;
}
