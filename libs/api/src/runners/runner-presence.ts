import { ACTIVE_RUNNER_STATUSES, type RunnerStatus } from "@stratavore/contracts";
import { runnerPlacements } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { launchedAt } from "./launch-token.ts";
import { moveRunner } from "./runner-events.ts";
import { inTransaction } from "../shared/transaction.ts";

/** What an agent says it runs (inventory after a connect, or a heartbeat). */
export interface Reported {
  runnerId: string;
  status: RunnerStatus;
}

/**
 * Node trouble is not runner death (DESIGN §2): a runner whose node went quiet is `lost` —
 * still counted against quota and capacity, still stoppable — not failed. Its node name and
 * since when go into the record so the runner page can say why.
 */
export async function markLost(
  deps: ApiDeps,
  runnerId: string,
  nodeName: string | null,
  lastSeenAt: Date | null,
  now: Date,
): Promise<void> {
  await inTransaction(deps.db, deps.bus, (tx, outbox) =>
    moveRunner(deps, tx, outbox, null, {
      runnerId,
      from: ["starting", "running", "paused"],
      data: { status: "lost", lostAt: now },
      event: "runner.lost",
      details: { node: nodeName, lastSeenAt: lastSeenAt?.toISOString() ?? null },
    }),
  );
}

/**
 * Squares what a node reports with the database. Lost runners it still runs come back as they
 * are (running or paused, same pid, no restart). Runners the database does not call active on
 * this node are returned: the caller kills them, because no process may run that the database
 * does not count (a runner stopped or failed while its node was away, or moved elsewhere).
 * The projects of adopted runners are returned too: budgets must judge them (nodes/adopt.ts).
 */
export async function adoptReported(
  deps: ApiDeps,
  nodeId: string,
  reported: Reported[],
): Promise<{ adopted: string[]; strays: string[]; projects: string[] }> {
  if (reported.length === 0) return { adopted: [], strays: [], projects: [] };
  const rows = await runnerPlacements(
    deps.db,
    reported.map((r) => r.runnerId),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const adopted: string[] = [];
  const strays: string[] = [];
  const projects = new Set<string>();
  for (const r of reported) {
    const row = byId.get(r.runnerId);
    if (!row || row.nodeId !== nodeId || !(ACTIVE_RUNNER_STATUSES as readonly string[]).includes(row.status)) {
      strays.push(r.runnerId);
      continue;
    }
    // A runner still `starting` long after its launch's answer was due, that its node runs:
    // the answer was never recorded (no pooled connection for it, or the server died before
    // it came). Adopted like a lost one — never sooner, or it would race the launch's own
    // record of the answer (which would then kill the runner as unaccounted for).
    const unconfirmed =
      row.status === "starting" &&
      launchedAt(row).getTime() < Date.now() - startingGraceMs(deps.fleet.config.agentAckTimeoutMs);
    if (row.status !== "lost" && !unconfirmed) continue;
    const status = r.status === "paused" ? "paused" : r.status === "stopping" ? "stopping" : "running";
    const moved = await inTransaction(deps.db, deps.bus, (tx, outbox) =>
      moveRunner(
        deps,
        tx,
        outbox,
        { nodeId },
        {
          runnerId: r.runnerId,
          from: [row.status === "starting" ? "starting" : "lost"],
          data: {
            status,
            lostAt: null,
            lastHeartbeatAt: new Date(),
            ...(row.status === "starting" ? { startedAt: new Date() } : {}),
          },
          event: "runner.adopted",
          details: { status, from: row.status },
        },
      ),
    );
    if (moved) {
      adopted.push(r.runnerId);
      deps.fleet.setOwner(r.runnerId, nodeId);
      projects.add(row.projectId);
    }
  }
  return { adopted, strays, projects: [...projects] };
}

/**
 * How long after its launch a runner may stay `starting` before the server acts on what its
 * node says: the launch's wait for the agent's answer, plus a minute for recording it (its
 * transaction may wait for a pooled connection under a burst).
 */
export const startingGraceMs = (agentAckTimeoutMs: number): number => agentAckTimeoutMs + 60_000;
