import { ROOMS, type HeartbeatItem } from "@stratavore/contracts";
import { applyHeartbeatBatch } from "@stratavore/db";
import { checkedEvent } from "../realtime/bus.ts";
import type { ApiDeps } from "../deps.ts";

/**
 * One batched beat per node (every 10 s): one UPDATE for all its runners plus the node's
 * last-seen time, then one metrics message for dashboards. Not audited: it changes figures,
 * not state.
 */
export async function ingestHeartbeat(
  deps: ApiDeps,
  nodeId: string,
  items: HeartbeatItem[],
  at = new Date(),
): Promise<{ updated: number; needsAttention: string[] }> {
  const t0 = performance.now();
  const rows = items.map((i) => ({ runnerId: i.runnerId, cpuPercent: i.cpuPercent, rssBytes: i.rssBytes }));
  const updated = await deps.db.$transaction(
    async (tx) => {
      const touched = await applyHeartbeatBatch(tx, nodeId, rows, at);
      await tx.node.update({ where: { id: nodeId }, data: { lastSeenAt: at }, select: { id: true } });
      // It beats, so it is connected: undo an offline mark from a stall (draining stays draining).
      await tx.node.updateMany({
        where: { id: nodeId, status: "offline", revokedAt: null },
        data: { status: "online" },
      });
      return touched;
      // Waits for a pooled connection like every other write: a burst of launches must not fail beats.
    },
    { maxWait: 30_000, timeout: 30_000 },
  );
  deps.fleet.onHeartbeatIngested?.(performance.now() - t0, items.length);
  if (items.length) {
    const metrics = items.map((i) => ({ runnerId: i.runnerId, cpuPercent: i.cpuPercent, memoryBytes: i.rssBytes, at }));
    deps.bus.publish([
      checkedEvent(ROOMS.fleet, "runner:metrics", { seq: deps.fleet.nextMetricsSeq(), items: metrics }),
    ]);
  }
  // Lost ones come back; reported ids the UPDATE did not touch are not active on this node.
  const active = new Map(updated.map((r) => [r.id, r.status]));
  const needsAttention = items
    .map((i) => i.runnerId)
    .filter((id) => active.get(id) === undefined || active.get(id) === "lost");
  return { updated: updated.length, needsAttention };
}
