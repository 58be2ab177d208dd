import type { Budget, Node, Runner } from "@stratavore/contracts";

/**
 * Socket.IO sends JSON, so the Date fields of a pushed runner or node arrive as ISO strings,
 * while tRPC (superjson) fills the caches with real Dates. Converting at the door keeps one
 * shape in the cache, so comparisons and `getTime()` work whichever way a row arrived.
 */
const toDate = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));
export const asDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

export function reviveRunner(r: Runner): Runner {
  return {
    ...r,
    nextRestartAt: toDate(r.nextRestartAt),
    lastHeartbeatAt: toDate(r.lastHeartbeatAt),
    activityAt: toDate(r.activityAt),
    lostAt: toDate(r.lostAt),
    restartDeferredSince: toDate(r.restartDeferredSince),
    startedAt: toDate(r.startedAt),
    endedAt: toDate(r.endedAt),
    createdAt: asDate(r.createdAt),
    updatedAt: asDate(r.updatedAt),
  };
}

export function reviveNode(n: Node): Node {
  return { ...n, lastSeenAt: toDate(n.lastSeenAt), revokedAt: toDate(n.revokedAt), createdAt: asDate(n.createdAt) };
}

export function reviveBudget(b: Budget): Budget {
  return { ...b, periodStart: asDate(b.periodStart), periodEnd: asDate(b.periodEnd), createdAt: asDate(b.createdAt) };
}
