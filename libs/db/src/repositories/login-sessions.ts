import { lastSeenBefore, lastSeenDue } from "./last-seen.ts";
import type { Tx } from "./tx.ts";

export type LoginSessionEnd =
  "signed_out" | "signed_out_everywhere" | "password_changed" | "password_reset" | "disabled";

export async function insertLoginSession(
  db: Tx,
  data: { userId: string; expiresAt: Date; userAgent: string | null; ip: string | null },
): Promise<string> {
  const row = await db.loginSession.create({
    data: { ...data, userAgent: data.userAgent?.slice(0, 300) ?? null },
    select: { id: true },
  });
  return row.id;
}

/** The sign-in `id` of `userId` while it is open (not ended, not expired), else null. */
export function findOpenLoginSession(db: Tx, id: string, userId: string, now = new Date()) {
  return db.loginSession.findFirst({
    where: { id, userId, endedAt: null, expiresAt: { gt: now } },
    select: { id: true, lastSeenAt: true },
  });
}

/** Records a use of the sign-in; no statement at all when its lastSeenAt (as read) is recent. */
export async function touchLoginSession(db: Tx, id: string, lastSeenAt: Date, now = new Date()): Promise<void> {
  if (!lastSeenDue(lastSeenAt, now)) return;
  await db.loginSession.updateMany({
    where: { id, lastSeenAt: { lt: lastSeenBefore(now) } },
    data: { lastSeenAt: now },
  });
}

export async function endLoginSession(db: Tx, id: string, reason: LoginSessionEnd): Promise<boolean> {
  const { count } = await db.loginSession.updateMany({
    where: { id, endedAt: null },
    data: { endedAt: new Date(), endReason: reason },
  });
  return count === 1;
}

/** Ends every open sign-in of a user (but `exceptId`, the caller's own). Returns how many ended. */
export async function endUserLoginSessions(
  db: Tx,
  userId: string,
  reason: LoginSessionEnd,
  exceptId?: string,
): Promise<number> {
  const { count } = await db.loginSession.updateMany({
    where: { userId, endedAt: null, ...(exceptId ? { id: { not: exceptId } } : {}) },
    data: { endedAt: new Date(), endReason: reason },
  });
  return count;
}

export function listOpenLoginSessions(db: Tx, userId: string, now = new Date()) {
  return db.loginSession.findMany({
    where: { userId, endedAt: null, expiresAt: { gt: now } },
    orderBy: { lastSeenAt: "desc" },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, userAgent: true, ip: true },
  });
}
