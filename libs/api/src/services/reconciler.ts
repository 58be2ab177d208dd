import { runnersDueRestart, runnersOnSilentNodes, silentNodes } from "@stratavore/db";
import { applyRetention, archiveEndedSessions } from "../archive/archive-job.ts";
import type { ApiDeps } from "../trpc/context.ts";
import { setNodeStatus } from "./nodes-service.ts";
import { restartDueRunner } from "./restart-service.ts";
import { recordRunnerEnd } from "./runner-lifecycle.ts";
import { inTransaction } from "./transaction.ts";

/**
 * One pass of the reconciler (DESIGN §2): nodes silent past the heartbeat TTL go offline and
 * their runners fail with `heartbeat_lost`; failed runners that are due are relaunched.
 * No runner stays `running` forever.
 */
export async function reconcileOnce(deps: ApiDeps, now = new Date()): Promise<{ offline: number; lost: number; restarted: number; archived: number }> {
  const before = new Date(now.getTime() - deps.fleet.config.heartbeatTtlMs);
  const nodes = await silentNodes(deps.db, before);
  for (const { id } of nodes) {
    await inTransaction(deps.db, deps.bus, (tx, outbox) => setNodeStatus(deps, tx, outbox, null, id, "offline", "node.offline"));
  }
  const lost = await runnersOnSilentNodes(deps.db, before);
  for (const runnerId of lost) {
    await recordRunnerEnd(deps, null, { runnerId, exitCode: null, signal: null, endedBy: "agent", reason: "heartbeat_lost" });
  }
  const due = await runnersDueRestart(deps.db, now);
  for (const runnerId of due) await restartDueRunner(deps, runnerId);
  const archived = await archiveEndedSessions(deps);
  if (deps.transcriptRetentionDays) await applyRetention(deps, deps.transcriptRetentionDays, now);
  return { offline: nodes.length, lost: lost.length, restarted: due.length, archived };
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
