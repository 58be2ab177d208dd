import type { ChannelKind, Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

export interface ChannelRow {
  id: string;
  name: string;
  kind: ChannelKind;
  configEncrypted: string;
  eventFilter: string[];
  projectFilter: string[];
  minSeverity: string;
  enabled: boolean;
  createdAt: Date;
}

export interface AttemptRow {
  id: bigint;
  channelId: string;
  eventSeq: bigint;
  deliveryKey: string;
  attempt: number;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  excerpt: string;
  createdAt: Date;
}

export const listChannels = (db: Tx, onlyEnabled = false): Promise<ChannelRow[]> =>
  db.notificationChannel.findMany({ where: onlyEnabled ? { enabled: true } : {}, orderBy: { name: "asc" } });

export const findChannel = (db: Tx, id: string): Promise<ChannelRow | null> =>
  db.notificationChannel.findUnique({ where: { id } });

export const insertChannel = (db: Tx, data: Omit<ChannelRow, "id" | "createdAt">): Promise<ChannelRow> =>
  db.notificationChannel.create({ data });

export const updateChannelRow = (
  db: Tx,
  id: string,
  data: Prisma.NotificationChannelUpdateInput,
): Promise<ChannelRow> => db.notificationChannel.update({ where: { id }, data });

export const deleteChannelRow = (db: Tx, id: string) => db.notificationChannel.delete({ where: { id } });

export const recordAttempt = (db: Tx, row: Omit<AttemptRow, "id" | "createdAt">): Promise<AttemptRow> =>
  db.deliveryAttempt.create({ data: row });

/** The delivery log of a channel, newest first. */
export const listAttempts = (db: Tx, channelId: string, limit: number): Promise<AttemptRow[]> =>
  db.deliveryAttempt.findMany({ where: { channelId }, orderBy: { id: "desc" }, take: limit });

/** The newest attempt of each channel. */
export async function lastAttempts(db: Tx, channelIds: string[]): Promise<Map<string, AttemptRow>> {
  if (!channelIds.length) return new Map();
  const rows = await db.$queryRaw<AttemptRow[]>`
    SELECT DISTINCT ON ("channelId") * FROM "DeliveryAttempt"
     WHERE "channelId" = ANY(${channelIds}::uuid[]) ORDER BY "channelId", id DESC`;
  return new Map(rows.map((r) => [r.channelId, r]));
}

/** Failed attempts across channels, newest first (Settings → Jobs). */
export const recentFailedAttempts = (db: Tx, limit: number) =>
  db.deliveryAttempt.findMany({
    where: { ok: false },
    orderBy: { id: "desc" },
    take: limit,
    include: { channel: { select: { name: true } } },
  });

export interface NotificationRow {
  id: bigint;
  eventSeq: bigint;
  type: string;
  severity: string;
  title: string;
  link: string | null;
  readAt: Date | null;
  createdAt: Date;
}

export const listNotifications = (
  db: Tx,
  userId: string,
  opts: { limit: number; before?: bigint; unreadOnly: boolean },
): Promise<NotificationRow[]> =>
  db.notification.findMany({
    where: {
      userId,
      ...(opts.before !== undefined ? { id: { lt: opts.before } } : {}),
      ...(opts.unreadOnly ? { readAt: null } : {}),
    },
    orderBy: { id: "desc" },
    take: opts.limit,
    select: {
      id: true,
      eventSeq: true,
      type: true,
      severity: true,
      title: true,
      link: true,
      readAt: true,
      createdAt: true,
    },
  });

export const findNotification = (db: Tx, id: bigint) => db.notification.findUnique({ where: { id } });

export const unreadCount = (db: Tx, userId: string): Promise<number> =>
  db.notification.count({ where: { userId, readAt: null } });

export async function markNotificationsRead(db: Tx, userId: string, ids?: bigint[]): Promise<number> {
  const { count } = await db.notification.updateMany({
    where: { userId, readAt: null, ...(ids ? { id: { in: ids } } : {}) },
    data: { readAt: new Date() },
  });
  return count;
}

/** Inserts one in-app notification for one user (a channel test); null when it existed. */
export async function insertNotification(
  db: Tx,
  userId: string,
  n: { eventSeq: number; type: string; severity: string; title: string; link: string | null },
): Promise<NotificationRow | null> {
  const rows = await db.notification.createManyAndReturn({
    data: [{ userId, ...n, eventSeq: BigInt(n.eventSeq) }],
    skipDuplicates: true,
  });
  return rows[0] ?? null;
}

export const userToastPrefs = async (
  db: Tx,
  userId: string,
): Promise<{ toastSeverity: string; toastEvents: string[] }> =>
  (await db.user.findUnique({ where: { id: userId }, select: { toastSeverity: true, toastEvents: true } })) ?? {
    toastSeverity: "warning",
    toastEvents: [],
  };

export const setUserToastPrefs = (db: Tx, userId: string, prefs: { toastSeverity?: string; toastEvents?: string[] }) =>
  db.user.update({ where: { id: userId }, data: prefs });

/** Retention of the delivery log and of read notifications; returns rows removed. */
export async function pruneNotificationHistory(
  db: Tx,
  opts: { attemptsBefore: Date; readNotificationsBefore: Date },
): Promise<{ attempts: number; notifications: number }> {
  const attempts = await db.deliveryAttempt.deleteMany({ where: { createdAt: { lt: opts.attemptsBefore } } });
  const notifications = await db.notification.deleteMany({
    where: { readAt: { not: null }, createdAt: { lt: opts.readNotificationsBefore } },
  });
  return { attempts: attempts.count, notifications: notifications.count };
}
