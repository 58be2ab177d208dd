import { ROOMS, type Announcement } from "@stratavore/contracts";
import {
  findEventsBySeq,
  insertNotificationsForAll,
  listChannels,
  poolOf,
  runnerLaunchers,
  unreadCount,
  withOutboxBatch,
  type BatchSql,
  type NotificationRow,
} from "@stratavore/db";
import { checkedEvent, type OutgoingEvent } from "../realtime/bus.ts";
import type { ApiDeps } from "../deps.ts";
import { announcementsFor, pathOf } from "./announce.ts";
import { ADMIN_ONLY_EVENTS, LAUNCHER_ONLY_EVENTS } from "./catalog.ts";
import { channelTakes } from "./channel-filter.ts";
import { dampNodeFlaps } from "./node-flaps.ts";
import type { DeliveryJob, JobQueue } from "./job-queue.ts";

const BATCH = 200;

/**
 * Moves outbox rows into deliveries: for each announced event and each enabled channel that
 * takes it, a delivery job (external channels) or one notification per user (in-app) —
 * written in the transaction that deletes the outbox rows, so a crash at any point leaves
 * either the rows or their deliveries, never both and never neither. Returns events handled.
 */
export async function dispatchOnce(deps: ApiDeps, jobs: JobQueue): Promise<number> {
  const created: { id: string; userId: string; eventSeq: number; createdAt: Date }[] = [];
  const announced: Announcement[] = [];
  let queued = 0;
  const n = await withOutboxBatch(poolOf(deps.db), BATCH, async (seqs, sql) => {
    if (!seqs.length) return 0;
    const announcements = await dampNodeFlaps(
      deps.db,
      await announcementsFor(deps.db, await findEventsBySeq(deps.db, seqs), deps.config.publicUrl),
    );
    if (!announcements.length) return seqs.length;
    announced.push(...announcements);
    const channels = await listChannels(deps.db, true);
    const deliveries: DeliveryJob[] = [];
    const inApp = new Map<number, (typeof announcements)[number]>();
    for (const a of announcements)
      for (const ch of channels) {
        if (!channelTakes(ch, a)) continue;
        if (ch.kind === "in_app") inApp.set(a.seq, a);
        else deliveries.push({ channelId: ch.id, eventSeq: a.seq, deliveryKey: `${a.seq}.${ch.id}` });
      }
    await jobs.insertDeliveries(sql, deliveries);
    queued = deliveries.length;
    const toWrite = [...inApp.values()];
    const launchers = await runnerLaunchers(
      deps.db,
      toWrite.filter((a) => LAUNCHER_ONLY_EVENTS.has(a.event) && a.entity.id).map((a) => a.entity.id as string),
    );
    created.push(...(await writeInApp(sql, toWrite, launchers)));
    return seqs.length;
  });
  if (queued) jobs.wakeWorkers();
  if (created.length) await announceNotifications(deps, created);
  // Plugins' event subscribers, after the commit, each behind the plugin boundary (not awaited:
  // a slow plugin must not hold the outbox).
  if (announced.length && deps.plugins) void deps.plugins.emit(announced);
  return n;
}

function writeInApp(
  sql: BatchSql,
  items: Awaited<ReturnType<typeof announcementsFor>>,
  launchers: Map<string, string | null>,
) {
  return insertNotificationsForAll(
    sql,
    items.map((a) => ({
      eventSeq: a.seq,
      type: a.event,
      severity: a.severity,
      title: a.title,
      link: pathOf(a),
      adminOnly: ADMIN_ONLY_EVENTS.has(a.event),
      userId: LAUNCHER_ONLY_EVENTS.has(a.event) && a.entity.id ? (launchers.get(a.entity.id) ?? null) : null,
    })),
  );
}

/** After the commit: each user's open tabs get the new notification and their unread count. */
export async function announceNotifications(
  deps: ApiDeps,
  created: { id: string; userId: string; eventSeq: number }[],
): Promise<void> {
  const rows = await deps.db.notification.findMany({ where: { id: { in: created.map((c) => BigInt(c.id)) } } });
  const unread = new Map<string, number>();
  for (const userId of new Set(rows.map((r) => r.userId))) unread.set(userId, await unreadCount(deps.db, userId));
  const events: OutgoingEvent[] = rows.map((r) =>
    checkedEvent(ROOMS.user(r.userId), "notification:new", {
      notification: toNotification(r),
      unread: unread.get(r.userId) ?? 0,
    }),
  );
  deps.bus.publish(events);
}

export function toNotification(r: NotificationRow) {
  return {
    id: String(r.id),
    eventSeq: Number(r.eventSeq),
    type: r.type as never,
    severity: r.severity as never,
    title: r.title,
    link: r.link,
    readAt: r.readAt,
    createdAt: r.createdAt,
  };
}

/**
 * The dispatcher loop: drains the outbox in batches, then waits `intervalMs` (or a nudge).
 * Every instance runs one; SKIP LOCKED keeps them from taking the same rows.
 */
export function startDispatcher(deps: ApiDeps, jobs: JobQueue, intervalMs: number) {
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      let n = 0;
      try {
        n = await dispatchOnce(deps, jobs);
      } catch (err) {
        if (!stopped) deps.log("error", "dispatching the outbox failed", { error: String(err) });
      }
      if (n < BATCH && !stopped)
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, intervalMs).unref();
        });
    }
  })();
  return {
    nudge: () => wake?.(),
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
