import pg from "pg";

/** The one advisory lock key every instance competes for ("STRV" leader). */
const LEADER_KEY = 0x5354_5256;

export interface LeadershipEvents {
  elected: () => void;
  deposed: (why: string) => void;
}

/**
 * One instance at a time leads: it holds a session-level advisory lock on its own connection.
 * If that connection dies (the instance was killed, PostgreSQL restarted, a network split),
 * PostgreSQL releases the lock and another instance takes it within `retryMs`. The leader
 * pings its connection as often, so it notices a dead one and stops acting as leader too.
 */
export class Leadership {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private leading = false;
  /** When this instance became leader (ms); null while it does not lead. */
  since: number | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly events: LeadershipEvents,
    private readonly retryMs = 2_000,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    void this.tick();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.retryMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      if (!this.client) {
        // A leader whose machine vanished must lose the lock in seconds, not when TCP gives up
        // (hours): keepalives on both ends, and a ping that times out.
        const client = new pg.Client({
          connectionString: this.connectionString,
          application_name: "stratavore-leader",
          keepAlive: true,
          keepAliveInitialDelayMillis: 2_000,
          query_timeout: 5_000,
        });
        // A connection that dies later must not crash the process; the next tick sees it.
        client.on("error", () => this.lose("its database connection failed"));
        client.on("end", () => this.lose("its database connection ended"));
        await client.connect();
        if (this.stopped) {
          await client.end().catch(() => undefined);
          return;
        }
        await client.query(
          "SET tcp_keepalives_idle = 3; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3",
        );
        this.client = client;
      }
      if (this.leading) await this.client.query("SELECT 1");
      else {
        const { rows } = await this.client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [
          LEADER_KEY,
        ]);
        if (rows[0]?.ok && !this.stopped) {
          this.leading = true;
          this.since = Date.now();
          this.events.elected();
        }
      }
    } catch (err) {
      this.lose(`its database connection failed: ${String(err)}`);
    }
    this.schedule();
  }

  private lose(why: string): void {
    const client = this.client;
    this.client = null;
    client?.removeAllListeners("end");
    void client?.end().catch(() => undefined);
    if (!this.leading) return;
    this.leading = false;
    this.since = null;
    this.events.deposed(why);
  }

  /** Gives the lock up (a graceful shutdown): another instance leads within `retryMs`. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    this.leading = false;
    this.since = null;
    if (!client) return;
    client.removeAllListeners("end");
    await client.query("SELECT pg_advisory_unlock_all()").catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
