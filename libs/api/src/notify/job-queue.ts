import PgBoss from "pg-boss";

export interface JobsConfig {
  /** Tries after the first before a delivery is a dead letter. */
  retryLimit: number;
  /** First retry delay; doubles each time (pg-boss retryBackoff, with jitter). */
  retryDelaySeconds: number;
  /** A job whose worker died (process killed mid-send) is retried after this long. */
  expireSeconds: number;
  /** How often expired jobs are swept and old ones archived. */
  maintenanceSeconds: number;
  pollSeconds: number;
  /** Fetch loops per server process. */
  workers: number;
  /** Deliveries each fetch takes and sends at once. */
  batchSize: number;
  /** How often the outbox is read when it was empty last time. */
  dispatchIntervalMs: number;
}

export const DEFAULT_JOBS_CONFIG: JobsConfig = {
  retryLimit: 8,
  retryDelaySeconds: 2,
  expireSeconds: 60,
  maintenanceSeconds: 30,
  pollSeconds: 1,
  workers: 2,
  batchSize: 10,
  dispatchIntervalMs: 500,
};

export const DELIVER_QUEUE = "deliver";
export const DEAD_LETTER_QUEUE = "deliver-dead";

export interface DeliveryJob {
  channelId: string;
  eventSeq: number;
  /** Same on every attempt: receivers drop a repeat by it (webhook header, AMQP messageId). */
  deliveryKey: string;
}

/** Runs SQL on the caller's connection, so jobs are inserted inside its transaction. */
export interface SqlExecutor {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface QueueCounts {
  name: string;
  waiting: number;
  retrying: number;
  active: number;
  deadLetters: number;
  oldestWaitingAt: Date | null;
}

/**
 * The job queue (pg-boss 10, on the same PostgreSQL, schema `pgboss`): retries with
 * exponential backoff, dead letters, and SKIP LOCKED fetching, so several server instances
 * share the work and no job is handed to two workers at once.
 */
export class JobQueue {
  private readonly workerIds: string[] = [];

  private constructor(
    private readonly boss: PgBoss,
    readonly config: JobsConfig,
  ) {}

  static async start(connectionString: string, config: JobsConfig, onError: (err: Error) => void): Promise<JobQueue> {
    const boss = new PgBoss({
      connectionString,
      max: 3,
      schema: "pgboss",
      maintenanceIntervalSeconds: config.maintenanceSeconds,
      monitorStateIntervalSeconds: 60,
      application_name: "stratavore-jobs",
    });
    boss.on("error", onError);
    await boss.start();
    const queue = {
      retryLimit: config.retryLimit,
      retryDelay: config.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: config.expireSeconds,
      retentionDays: 14,
    };
    await boss.createQueue(DEAD_LETTER_QUEUE, { name: DEAD_LETTER_QUEUE, retentionDays: 30 });
    await boss.createQueue(DELIVER_QUEUE, { name: DELIVER_QUEUE, ...queue, deadLetter: DEAD_LETTER_QUEUE });
    // A restart with other settings applies them to the existing queue.
    await boss.updateQueue(DELIVER_QUEUE, { name: DELIVER_QUEUE, ...queue, deadLetter: DEAD_LETTER_QUEUE });
    return new JobQueue(boss, config);
  }

  /** Inserts deliveries through `db` (the dispatcher's open transaction). */
  async insertDeliveries(db: SqlExecutor, jobs: DeliveryJob[]): Promise<void> {
    if (!jobs.length) return;
    await this.boss.insert(
      jobs.map((data) => ({ name: DELIVER_QUEUE, data })),
      { db: db as PgBoss.Db },
    );
  }

  /**
   * `handle` throwing fails that attempt: pg-boss retries it later, then dead-letters it.
   * Workers take batches and send them concurrently (a pg-boss worker pauses its polling
   * interval after every fetch, so one job per fetch would cap a worker at one a second).
   * Failed jobs are failed one by one; resolving completes only the ones still active.
   */
  async work(handle: (job: DeliveryJob, attempt: number) => Promise<void>): Promise<void> {
    const options = {
      batchSize: this.config.batchSize,
      includeMetadata: true as const,
      pollingIntervalSeconds: this.config.pollSeconds,
    };
    for (let i = 0; i < this.config.workers; i++)
      this.workerIds.push(
        await this.boss.work<DeliveryJob>(DELIVER_QUEUE, options, async (batch) => {
          await Promise.all(
            batch.map((job) =>
              handle(job.data, job.retryCount + 1).catch((err: unknown) =>
                this.boss.fail(DELIVER_QUEUE, job.id, { message: String(err).slice(0, 1000) }),
              ),
            ),
          );
        }),
      );
  }

  /**
   * Recurring work on a cron schedule: pg-boss creates each slot's job once however many
   * instances run, and one worker takes it. A throw is retried like any job.
   */
  async schedule(name: string, cron: string, handle: () => Promise<unknown>): Promise<void> {
    await this.boss.createQueue(name, { name, retryLimit: 2, retryDelay: 60, expireInSeconds: 15 * 60 });
    await this.boss.schedule(name, cron);
    this.workerIds.push(
      await this.boss.work(name, { pollingIntervalSeconds: 30 }, async () => {
        await handle();
      }),
    );
  }

  async schedules(): Promise<{ name: string; cron: string }[]> {
    return (await this.boss.getSchedules()).map((s) => ({ name: s.name, cron: s.cron }));
  }

  /** New jobs were committed: this process's idle workers fetch now instead of at their next poll. */
  wakeWorkers(): void {
    for (const id of this.workerIds) this.boss.notifyWorker(id);
  }

  async counts(): Promise<QueueCounts[]> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT name,
              count(*) FILTER (WHERE state = 'created') AS waiting,
              count(*) FILTER (WHERE state = 'retry') AS retrying,
              count(*) FILTER (WHERE state = 'active') AS active,
              min(created_on) FILTER (WHERE state IN ('created', 'retry')) AS oldest
         FROM pgboss.job WHERE name = ANY($1) GROUP BY name`,
      [[DELIVER_QUEUE, DEAD_LETTER_QUEUE]],
    );
    const byName = new Map(
      (rows as { name: string; waiting: string; retrying: string; active: string; oldest: Date | null }[]).map((r) => [
        r.name,
        r,
      ]),
    );
    const deliver = byName.get(DELIVER_QUEUE);
    const dead = byName.get(DEAD_LETTER_QUEUE);
    return [
      {
        name: DELIVER_QUEUE,
        waiting: Number(deliver?.waiting ?? 0),
        retrying: Number(deliver?.retrying ?? 0),
        active: Number(deliver?.active ?? 0),
        // Dead letters wait in their own queue, which no worker takes.
        deadLetters: Number(dead?.waiting ?? 0),
        oldestWaitingAt: deliver?.oldest ?? null,
      },
    ];
  }

  /** Dead letters, newest first. */
  async deadLetters(limit: number): Promise<{ id: string; job: DeliveryJob; createdAt: Date }[]> {
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `SELECT id, data, created_on FROM pgboss.job WHERE name = $1 AND state = 'created' ORDER BY created_on DESC LIMIT $2`,
        [DEAD_LETTER_QUEUE, limit],
      );
    return (rows as { id: string; data: DeliveryJob; created_on: Date }[]).map((r) => ({
      id: r.id,
      job: r.data,
      createdAt: r.created_on,
    }));
  }

  /** Puts dead letters back in the delivery queue (same delivery keys), all or by id. */
  async retryDeadLetters(ids?: string[]): Promise<number> {
    const dead = (await this.deadLetters(10_000)).filter((d) => !ids || ids.includes(d.id));
    if (!dead.length) return 0;
    await this.boss.insert(dead.map((d) => ({ name: DELIVER_QUEUE, data: d.job })));
    await this.boss.deleteJob(
      DEAD_LETTER_QUEUE,
      dead.map((d) => d.id),
    );
    return dead.length;
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 5_000, wait: true });
  }
}
