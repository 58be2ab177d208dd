import { findChannel, findEventsBySeq, recordAttempt } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { announcementsFor } from "./announce.ts";
import { dampNodeFlaps } from "./node-flaps.ts";
import { sendToChannel } from "./channel-send.ts";
import type { DeliveryJob } from "./job-queue.ts";

/**
 * One delivery attempt (a job): send, log the attempt, and throw when it failed so the queue
 * retries it with backoff. A channel deleted or disabled meanwhile ends the job quietly.
 */
export async function deliver(deps: ApiDeps, job: DeliveryJob, attempt: number): Promise<void> {
  const channel = await findChannel(deps.db, job.channelId);
  if (!channel?.enabled) return;
  // Rebuilt from the event log as the dispatcher built it, the flapping note included.
  const [announcement] = await dampNodeFlaps(
    deps.db,
    await announcementsFor(deps.db, await findEventsBySeq(deps.db, [job.eventSeq]), deps.config.publicUrl),
  );
  if (!announcement) return;
  const started = performance.now();
  const result = await sendToChannel(deps, channel, announcement, job.deliveryKey);
  await recordAttempt(deps.db, {
    channelId: channel.id,
    eventSeq: BigInt(job.eventSeq),
    deliveryKey: job.deliveryKey,
    attempt,
    ok: result.ok,
    status: result.status,
    latencyMs: Math.round(performance.now() - started),
    excerpt: result.excerpt,
  });
  deps.metrics.deliveries.inc({ kind: channel.kind, outcome: result.ok ? "ok" : "failed" });
  if (!result.ok)
    throw new Error(`delivery to ${channel.name} failed: ${result.status ?? ""} ${result.excerpt}`.trim());
}
