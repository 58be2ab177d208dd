import type { Announcement } from "@stratavore/contracts";
import { recentEntityEvents, type Db } from "@stratavore/db";

/** The audit types that announce a node coming and going (catalog.ts: node.online / node.offline). */
const NODE_STATUS_TYPES = ["node.connected", "node.disconnected", "node.online", "node.offline"] as const;
const STATUS_EVENTS = new Set(["node.online", "node.offline"]);

/** A node whose status changed this often within the window is flapping. */
export const FLAP_WINDOW_MS = 10 * 60_000;
/** Its changes announced within the window; the last of them says it is flapping, the rest are not announced. */
export const FLAP_ANNOUNCED = 3;

/**
 * Every reconnect of a node is two audit events, and each was a notification (the attacker
 * review: a flapping credential, 100 reconnects, 199 webhook jobs). The audit log keeps them
 * all; announcements stop at FLAP_ANNOUNCED changes of one node within FLAP_WINDOW_MS, the
 * last saying so, until the node has been quiet for a window. Judged from the event log, so
 * every server instance agrees.
 */
export async function dampNodeFlaps(db: Db, announcements: Announcement[]): Promise<Announcement[]> {
  const status = announcements.filter((a) => STATUS_EVENTS.has(a.event) && a.entity.type === "node" && a.entity.id);
  if (!status.length) return announcements;
  const earliest = Math.min(...status.map((a) => Date.parse(a.occurredAt)));
  const history = await recentEntityEvents(db, {
    entityType: "node",
    entityIds: [...new Set(status.map((a) => a.entity.id as string))],
    types: NODE_STATUS_TYPES,
    since: new Date(earliest - FLAP_WINDOW_MS),
    beforeSeq: Math.max(...status.map((a) => a.seq)),
  });
  const kept: Announcement[] = [];
  for (const a of announcements) {
    if (!status.includes(a)) {
      kept.push(a);
      continue;
    }
    const at = Date.parse(a.occurredAt);
    const before = history.filter(
      (e) => e.entityId === a.entity.id && e.seq < a.seq && e.createdAt.getTime() >= at - FLAP_WINDOW_MS,
    ).length;
    if (before >= FLAP_ANNOUNCED) continue;
    kept.push(
      before === FLAP_ANNOUNCED - 1
        ? {
            ...a,
            title: `${a.title} — it is flapping (${FLAP_ANNOUNCED} changes in ${FLAP_WINDOW_MS / 60_000} min); further changes are not announced until it has been steady for ${FLAP_WINDOW_MS / 60_000} min (see Nodes)`,
          }
        : a,
    );
  }
  return kept;
}
