import { ROOMS, type HeartbeatItem } from "@stratavore/contracts";
import { applyHeartbeatBatch, applyHeartbeatFast, markNodeSeen, type HeartbeatRow } from "@stratavore/db";
import { publishActivity, recordedActivity } from "../runners/runner-activity.ts";
import { checkedEvent } from "../realtime/bus.ts";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { setNodeStatus } from "./nodes-service.ts";

/** What an agent says about itself on each beat (absent from older agents). */
export interface AgentReport {
  deadLetters?: number;
  spooled?: number;
  host?: { cpuPercent: number; memoryPercent: number };
}

/**
 * One batched beat per node (every 10 s): one UPDATE for all its runners plus the node's
 * last-seen time, then one metrics message for dashboards. Not audited — it changes figures,
 * not state — unless it brings an offline node back (`node.online`) or reports more items set
 * aside than before (`node.dead_letters`).
 */
export async function ingestHeartbeat(
  deps: ApiDeps,
  nodeId: string,
  items: HeartbeatItem[],
  at = new Date(),
  report: AgentReport = {},
): Promise<{ updated: number; needsAttention: string[] }> {
  const t0 = performance.now();
  const rows = items.map((i) => ({
    runnerId: i.runnerId,
    cpuPercent: i.cpuPercent,
    rssBytes: i.rssBytes,
    activity: i.activity,
  }));
  // The common beat is one statement; a node coming back or setting items aside is audited in
  // a transaction. Both wait for a pooled connection like every other write: a burst of
  // launches must not fail beats.
  const fast = await applyHeartbeatFast(deps.db, nodeId, rows, at, report);
  const updated = fast.nodeTouched ? fast.runners : await auditedBeat(deps, nodeId, rows, at, report);
  deps.fleet.onHeartbeatIngested?.(performance.now() - t0, items.length);
  // Only the runners this node runs: a node naming another's runner changed no row, and must
  // not change what dashboards show for it either (the attacker review: 99,999 % CPU, 9 PB).
  const ours = new Set(updated.map((r) => r.id));
  const metrics = items
    .filter((i) => ours.has(i.runnerId))
    .map((i) => ({ runnerId: i.runnerId, cpuPercent: i.cpuPercent, memoryBytes: i.rssBytes, at }));
  if (metrics.length) {
    deps.bus.publish([
      checkedEvent(ROOMS.fleet, "runner:metrics", { seq: deps.fleet.nextMetricsSeq(), items: metrics }),
    ]);
    publishActivity(deps, recordedActivity(updated));
  }
  // Lost ones come back; reported ids the UPDATE did not touch are not active on this node;
  // ones still `starting` are looked at too (adopted once their launch's answer is long overdue).
  const active = new Map(updated.map((r) => [r.id, r.status]));
  const needsAttention = items
    .map((i) => i.runnerId)
    .filter((id) => active.get(id) === undefined || active.get(id) === "lost" || active.get(id) === "starting");
  return { updated: updated.length, needsAttention };
}

function auditedBeat(deps: ApiDeps, nodeId: string, rows: HeartbeatRow[], at: Date, report: AgentReport) {
  return inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    const touched = await applyHeartbeatBatch(tx, nodeId, rows, at);
    // It beats, so it is connected: an offline mark from a stall is undone, audited and announced.
    const seen = await markNodeSeen(tx, nodeId, at, report);
    if (seen.cameBack) await setNodeStatus(deps, tx, outbox, { nodeId }, nodeId, "online", "node.online");
    // More set aside than before: each growth is an audit event an operator can find.
    const { deadLetters } = report;
    if (deadLetters !== undefined && deadLetters > seen.deadLettersBefore)
      await audit(
        tx,
        deps.config.auditKey,
        { nodeId },
        {
          type: "node.dead_letters",
          entityType: "node",
          entityId: nodeId,
          data: { setAside: deadLetters, before: seen.deadLettersBefore },
        },
      );
    return touched;
  });
}
