import { pruneExpiredRateLimits, pruneNotificationHistory } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { applyRetention } from "../sessions/archive/archive-job.ts";

const DAY = 86_400_000;
/** How long the delivery log and read notifications are kept. */
export const DELIVERY_LOG_DAYS = 30;
export const READ_NOTIFICATION_DAYS = 90;

/**
 * Hourly housekeeping, run as a scheduled job: pg-boss fires each slot once across all server
 * instances (it was a step of every reconciler pass, every few seconds, on every instance).
 */
export async function runRetention(deps: ApiDeps, now = new Date()) {
  const transcripts = deps.transcriptRetentionDays ? await applyRetention(deps, deps.transcriptRetentionDays, now) : 0;
  const pruned = await pruneNotificationHistory(deps.db, {
    attemptsBefore: new Date(now.getTime() - DELIVERY_LOG_DAYS * DAY),
    readNotificationsBefore: new Date(now.getTime() - READ_NOTIFICATION_DAYS * DAY),
  });
  // Login counters whose window has passed (rate-limiter-flexible keeps `expire` in epoch ms).
  const rateLimits = await pruneExpiredRateLimits(deps.db, now);
  if (transcripts || pruned.attempts || pruned.notifications || rateLimits)
    deps.log("info", "retention applied", { transcripts, ...pruned, rateLimits });
  return { transcripts, ...pruned, rateLimits };
}
