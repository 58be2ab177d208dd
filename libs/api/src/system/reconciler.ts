import {
  runnersDueRestart,
  runnersLostBefore,
  runnersOnSilentNodes,
  silentNodes,
  unconfirmedStarting,
} from "@stratavore/db";
import { releaseBudgetPauses } from "../budgets/enforcement.ts";
import { archiveEndedSessions } from "../sessions/archive/archive-job.ts";
import type { ApiDeps } from "../deps.ts";
import { setNodeStatus } from "../nodes/nodes-service.ts";
import { restartDueRunner } from "../runners/restart-service.ts";
import { recordRunnerEnd } from "../runners/runner-lifecycle.ts";
import { markLost, startingGraceMs } from "../runners/runner-presence.ts";
import { moveRunner } from "../runners/runner-events.ts";
import { inTransaction } from "../shared/transaction.ts";
import { workPools } from "../tasks/pool-scaler.ts";
import { watchRunners } from "../runners/watchdog.ts";

/**
 * One pass of the reconciler (DESIGN §2). Nodes silent past the heartbeat TTL go offline and
 * their runners become `lost` (they may still run there); a runner lost for longer than
 * `lostTimeoutMs` fails with `heartbeat_lost` and is restarted elsewhere by its policy. Right
 * after the server starts, heartbeats are not judged until agents had time to reconnect.
 * A launch never confirmed whose node beats without it fails (`launch_unconfirmed`). Failed
 * runners that are due are relaunched; budgets whose pause should be lifted thaw.
 */
export async function reconcileOnce(
  deps: ApiDeps,
  now = new Date(),
): Promise<{ offline: number; lost: number; failed: number; restarted: number; archived: number }> {
  const { heartbeatTtlMs, agentReconnectMaxMs, lostTimeoutMs } = deps.fleet.config;
  const before = new Date(now.getTime() - heartbeatTtlMs);
  // Since this process started, or — in a cluster — since it took over as leader: agents of a
  // leader that died are still reconnecting to the others then.
  const watchingSince = Math.max(deps.fleet.startedAt, deps.fleet.leadership?.since ?? 0);
  const judging = now.getTime() >= watchingSince + heartbeatTtlMs + agentReconnectMaxMs;
  let offline = 0;
  let lost = 0;
  if (judging) {
    const nodes = (await guarded(deps, "listing silent nodes", {}, () => silentNodes(deps.db, before))) ?? [];
    for (const { id } of nodes) {
      if (
        await guarded(deps, "marking a node offline", { nodeId: id }, () =>
          inTransaction(deps.db, deps.bus, (tx, outbox) =>
            setNodeStatus(deps, tx, outbox, null, id, "offline", "node.offline"),
          ).then(() => true),
        )
      )
        offline += 1;
    }
    for (const r of (await guarded(deps, "listing runners of silent nodes", {}, () =>
      runnersOnSilentNodes(deps.db, before),
    )) ?? []) {
      // A runner being stopped ended as asked, whatever happened to its node.
      if (r.status === "stopping" || !r.nodeId)
        await guarded(deps, "ending a stopping runner", { runnerId: r.id }, () =>
          recordRunnerEnd(deps, null, {
            runnerId: r.id,
            exitCode: null,
            signal: null,
            endedBy: "agent",
            reason: "heartbeat_lost",
          }),
        );
      else if (r.status !== "lost") {
        // Lost from now (not from the node's last beat): the timeout below must measure time
        // the server was there to watch, or a long server or database outage would fail
        // every runner in the same pass that finds it lost.
        if (
          await guarded(deps, "marking a runner lost", { runnerId: r.id }, () =>
            markLost(deps, r.id, r.nodeName, r.lastSeenAt, now).then(() => true),
          )
        )
          lost += 1;
      }
    }
  }
  const gone = judging
    ? ((await guarded(deps, "listing lost runners", {}, () =>
        runnersLostBefore(deps.db, new Date(now.getTime() - lostTimeoutMs)),
      )) ?? [])
    : [];
  let failed = 0;
  for (const runnerId of gone) {
    const reason = `heartbeat_lost: its node was unreachable for ${lostTimeoutMs < 60_000 ? `${Math.round(lostTimeoutMs / 1000)} s` : `${Math.round(lostTimeoutMs / 60_000)} min`}`;
    if (
      await guarded(deps, "failing a lost runner", { runnerId }, () =>
        recordRunnerEnd(deps, null, { runnerId, exitCode: null, signal: null, endedBy: "agent", reason }).then(
          () => true,
        ),
      )
    )
      failed += 1;
  }
  // Launched long ago, never confirmed, and its node beats without it: it never started.
  const graceMs = startingGraceMs(deps.fleet.config.agentAckTimeoutMs);
  for (const runnerId of (await guarded(deps, "listing unconfirmed launches", {}, () =>
    unconfirmedStarting(deps.db, new Date(now.getTime() - graceMs)),
  )) ?? []) {
    const ended = await guarded(deps, "failing an unconfirmed launch", { runnerId }, () =>
      inTransaction(deps.db, deps.bus, (tx, outbox) =>
        moveRunner(deps, tx, outbox, null, {
          runnerId,
          from: ["starting"],
          data: {
            status: "failed",
            endedAt: now,
            endReason: `launch_unconfirmed: its node never reported it running within ${Math.round(graceMs / 1000)} s of the launch`,
          },
          event: "runner.failed",
          details: { code: "LAUNCH_UNCONFIRMED" },
        }),
      ),
    );
    if (ended) {
      failed += 1;
      deps.metrics.runnerEnds.inc({ status: "failed", cause: "launch_error" });
    }
  }
  let restarted = 0;
  for (const runnerId of (await guarded(deps, "listing due restarts", {}, () => runnersDueRestart(deps.db, now))) ??
    []) {
    if (
      await guarded(deps, "restarting a runner", { runnerId }, () =>
        restartDueRunner(deps, runnerId, now).then(() => true),
      )
    )
      restarted += 1;
  }
  await guarded(deps, "releasing budget pauses", {}, () => releaseBudgetPauses(deps));
  await guarded(deps, "watching running runners", {}, () => watchRunners(deps, now));
  await guarded(deps, "working task pools", {}, () => workPools(deps, now));
  const archived =
    (await guarded(deps, "archiving ended sessions", {}, () =>
      archiveEndedSessions(deps, 10, deps.fleet.config.archiveQuietMs),
    )) ?? 0;
  // Retention is an hourly scheduled job (notify/scheduled-work.ts), not a step of every pass.
  return { offline, lost, failed, restarted, archived };
}

/**
 * Each step of a pass, and each runner in it, fails alone: one runner whose restart throws
 * must not leave the others unrestarted, budgets unreleased and sessions unarchived until
 * the cause goes away. The failure is logged with what it was about; undefined is returned.
 */
async function guarded<T>(
  deps: ApiDeps,
  what: string,
  about: Record<string, string>,
  work: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    deps.log("error", `reconcile: ${what} failed`, { ...about, error: String(err) });
    return undefined;
  }
}

/**
 * Runs the reconciler on an interval; returns a stop function. Overlapping passes are skipped,
 * and so is every pass of an instance that does not lead its cluster.
 */
export function startReconciler(deps: ApiDeps): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running || (deps.fleet.leadership && !deps.fleet.leadership.isLeader)) return;
    running = true;
    reconcileOnce(deps)
      .catch((err: unknown) => deps.log("error", "reconcile failed", { error: String(err) }))
      .finally(() => (running = false));
  }, deps.fleet.config.reconcileIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
