import { Gauge } from "prom-client";
import { outboxDepth } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import type { JobQueue } from "../notify/job-queue.ts";
import type { ApiMetrics } from "./api-metrics.ts";
import { cachedFor } from "./cached-for.ts";

/**
 * The outbox and the delivery queue, read at scrape time (same on every instance): depth,
 * the oldest waiting item's age, dead letters. A failed read keeps the last values and
 * counts stratavore_metrics_collect_errors_total{source="jobs"}.
 */
export function registerJobCollectors(metrics: ApiMetrics, deps: ApiDeps, jobs: JobQueue): void {
  const registers = [metrics.registry];
  const read = cachedFor(1_000, async () => ({ outbox: await outboxDepth(deps.db), queues: await jobs.counts() }));
  const ageSeconds = (d: Date | null) => (d ? Math.max(0, (Date.now() - d.getTime()) / 1000) : 0);
  const gauge = (
    name: string,
    help: string,
    labelNames: string[],
    fill: (g: Gauge<string>, v: Awaited<ReturnType<typeof read>>) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        try {
          fill(this, await read());
        } catch (err) {
          metrics.collectErrors.inc({ source: "jobs" });
          deps.log("warn", "metrics: a state read failed", { source: "jobs", error: String(err) });
        }
      },
    });
  gauge("stratavore_outbox_depth", "Audit events not yet turned into deliveries.", [], (g, v) => g.set(v.outbox.depth));
  gauge("stratavore_outbox_oldest_seconds", "Age of the oldest outbox row (0 when empty).", [], (g, v) =>
    g.set(ageSeconds(v.outbox.oldest)),
  );
  gauge("stratavore_jobs", "Jobs by queue and state (waiting, retrying, active, dead).", ["queue", "state"], (g, v) => {
    for (const q of v.queues) {
      g.set({ queue: q.name, state: "waiting" }, q.waiting);
      g.set({ queue: q.name, state: "retrying" }, q.retrying);
      g.set({ queue: q.name, state: "active" }, q.active);
      g.set({ queue: q.name, state: "dead" }, q.deadLetters);
    }
  });
  gauge(
    "stratavore_jobs_oldest_waiting_seconds",
    "Age of the oldest job waiting or retrying, by queue.",
    ["queue"],
    (g, v) => {
      for (const q of v.queues) g.set({ queue: q.name }, ageSeconds(q.oldestWaitingAt));
    },
  );
}
