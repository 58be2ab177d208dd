import {
  AppError,
  announcedEventSchema,
  toastSeveritySchema,
  type AnnouncedEvent,
  type JobsOverview,
  type NotificationPrefs,
} from "@stratavore/contracts";
import {
  listNotifications,
  markNotificationsRead,
  outboxDepth,
  recentFailedAttempts,
  setUserToastPrefs,
  unreadCount,
  userToastPrefs,
} from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import type { ApiDeps } from "../deps.ts";
import { toAttempt } from "./channels-service.ts";
import { toNotification } from "./dispatcher.ts";

export async function myNotifications(
  deps: ApiDeps,
  who: Principal,
  input: { limit: number; cursor?: string; unreadOnly: boolean },
) {
  const rows = await listNotifications(deps.db, who.user.id, {
    limit: input.limit,
    before: input.cursor !== undefined ? BigInt(input.cursor) : undefined,
    unreadOnly: input.unreadOnly,
  });
  return {
    items: rows.map(toNotification),
    unread: await unreadCount(deps.db, who.user.id),
    nextBefore: rows.length === input.limit ? String(rows.at(-1)?.id ?? "") || null : null,
  };
}

export async function markRead(deps: ApiDeps, who: Principal, ids?: string[]): Promise<{ unread: number }> {
  await markNotificationsRead(deps.db, who.user.id, ids?.map(BigInt));
  return { unread: await unreadCount(deps.db, who.user.id) };
}

export async function toastPreference(deps: ApiDeps, who: Principal): Promise<NotificationPrefs> {
  // Stored values were checked on the way in; parsing again drops a type a newer build retired.
  const stored = await userToastPrefs(deps.db, who.user.id);
  return {
    toastSeverity: toastSeveritySchema.catch("warning").parse(stored.toastSeverity),
    toastEvents: stored.toastEvents.filter((e): e is AnnouncedEvent => announcedEventSchema.safeParse(e).success),
  };
}

export async function setToastPreference(deps: ApiDeps, who: Principal, prefs: Partial<NotificationPrefs>) {
  await setUserToastPrefs(deps.db, who.user.id, prefs);
  return toastPreference(deps, who);
}

function jobsOrFail(deps: ApiDeps) {
  if (!deps.notify) throw new AppError("JOBS_UNAVAILABLE");
  return deps.notify.jobs;
}

/** Settings → Jobs: the outbox, the delivery queue and its dead letters, recent failures. */
export async function jobsOverview(deps: ApiDeps): Promise<JobsOverview> {
  const jobs = jobsOrFail(deps);
  const [outbox, queues, schedules, failures] = await Promise.all([
    outboxDepth(deps.db),
    jobs.counts(),
    jobs.schedules(),
    recentFailedAttempts(deps.db, 20),
  ]);
  return {
    outbox: { depth: outbox.depth, oldestAt: outbox.oldest },
    queues,
    schedules,
    recentFailures: failures.map((f) => ({ ...toAttempt(f), channelName: f.channel.name })),
  };
}

export async function deadLetters(deps: ApiDeps, limit: number) {
  const rows = await jobsOrFail(deps).deadLetters(limit);
  return rows.map((r) => ({ id: r.id, ...r.job, createdAt: r.createdAt }));
}

export async function retryDeadLetters(deps: ApiDeps, ids?: string[]): Promise<{ retried: number }> {
  return { retried: await jobsOrFail(deps).retryDeadLetters(ids) };
}
