import type { ApiDeps } from "../deps.ts";
import { registerJobCollectors } from "../metrics/job-collectors.ts";
import { deliver } from "./deliver.ts";
import { startDispatcher } from "./dispatcher.ts";
import { JobQueue, type JobsConfig } from "./job-queue.ts";
import { RabbitPublisher } from "./senders/rabbitmq.ts";
import { runRetention } from "./scheduled-work.ts";

export const RETENTION_JOB = "retention";

/**
 * Starts what carries events out of the process: the job queue, its delivery workers and the
 * outbox dispatcher. Sets `deps.notify`; the returned stop ends them in order (no new
 * dispatches, in-flight deliveries finish or are left to expire and retry, brokers closed).
 */
export async function startNotifyRuntime(deps: ApiDeps, connectionString: string, config: JobsConfig) {
  const jobs = await JobQueue.start(connectionString, config, (err) =>
    deps.log("warn", "job queue error", { error: err.message }),
  );
  const rabbit = new RabbitPublisher();
  deps.notify = { jobs, rabbit };
  await jobs.work((job, attempt) => deliver(deps, job, attempt));
  await jobs.schedule(RETENTION_JOB, "7 * * * *", () => runRetention(deps));
  registerJobCollectors(deps.metrics, deps, jobs);
  const dispatcher = startDispatcher(deps, jobs, config.dispatchIntervalMs);
  return {
    nudge: dispatcher.nudge,
    stop: async () => {
      await dispatcher.stop();
      await jobs
        .stop()
        .catch((err: unknown) => deps.log("warn", "stopping the job queue failed", { error: String(err) }));
      await rabbit.close();
    },
  };
}
