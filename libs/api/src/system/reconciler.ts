import { runnersDueRestart, runnersLostBefore, runnersOnSilentNodes, silentNodes } from "@stratavore/db";
import { releaseBudgetPauses } from "../budgets/enforcement.ts";
import { applyRetention, archiveEndedSessions } from "../sessions/archive/archive-job.ts";
import type { ApiDeps } from "../deps.ts";
import { setNodeStatus } from "../nodes/nodes-service.ts";
import { restartDueRunner } from "../runners/restart-service.ts";
import { recordRunnerEnd } from "../runners/runner-lifecycle.ts";
import { markLost } from "../runners/runner-presence.ts";
import { inTransaction } from "../shared/transaction.ts";

/**
 * One pass of the reconciler (DESIGN §2). Nodes silent past the heartbeat TTL go offline and
 * their runners become `lost` (they may still run there); a runner lost for longer than
 * `lostTimeoutMs` fails with `heartbeat_lost` and is restarted elsewhere by its policy. Right
 * after the server starts, heartbeats are not judged until agents had time to reconnect.
 * Failed runners that are due are relaunched; budgets whose pause should be lifted thaw.
 */
export async function reconcileOnce(deps: ApiDeps, now = new Date()): Promise<{ offline: number; lost: number; failed: number; restarted: number; archived: number }> {
  const { heartbeatTtlMs, agentReconnectMaxMs, lostTimeoutMs } = deps.fleet.config;
  const before = new Date(now.getTime() - heartbeatTtlMs);
  const judging = now.getTime() >= deps.fleet.startedAt + heartbeatTtlMs + agentReconnectMaxMs;
  let offline = 0;
  let lost = 0;
  if (judging) {
    const nodes = await silentNodes(deps.db, before);
    for (const { id } of nodes) {
      await inTransaction(deps.db, deps.bus, (tx, outbox) => setNodeStatus(deps, tx, outbox, null, id, "offline", "node.offline"));
    }
    offline = nodes.length;
    for (const r of await runnersOnSilentNodes(deps.db, before)) {
      // A runner being stopped ended as asked, whatever happened to its node.
      if (r.status === "stopping" || !r.nodeId) await recordRunnerEnd(deps, null, { runnerId: r.id, exitCode: null, signal: null, endedBy: "agent", reason: "heartbeat_lost" });
      else if (r.status !== "lost") {
        // Lost from now (not from the node's last beat): the timeout below must measure time
        // the server was there to watch, or a long server or database outage would fail
        // every runner in the same pass that finds it lost.
        await markLost(deps, r.id, r.nodeName, r.lastSeenAt, now);
        lost += 1;
      }
    }
  }
  const gone = judging ? await runnersLostBefore(deps.db, new Date(now.getTime() - lostTimeoutMs)) : [];
  for (const runnerId of gone) {
    await recordRunnerEnd(deps, null, { runnerId, exitCode: null, signal: null, endedBy: "agent", reason: `heartbeat_lost: its node was unreachable for ${lostTimeoutMs < 60_000 ? `${Math.round(lostTimeoutMs / 1000)} s` : `${Math.round(lostTimeoutMs / 60_000)} min`}` });
  }
  const due = await runnersDueRestart(deps.db, now);
  for (const runnerId of due) await restartDueRunner(deps, runnerId, now);
  await releaseBudgetPauses(deps);
  const archived = await archiveEndedSessions(deps);
  if (deps.transcriptRetentionDays) await applyRetention(deps, deps.transcriptRetentionDays, now);
  return { offline, lost, failed: gone.length, restarted: due.length, archived };
}

/** Runs the reconciler on an interval; returns a stop function. Overlapping passes are skipped. */
export function startReconciler(deps: ApiDeps): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    reconcileOnce(deps)
      .catch((err: unknown) => deps.log("error", "reconcile failed", { error: String(err) }))
      .finally(() => (running = false));
  }, deps.fleet.config.reconcileIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
