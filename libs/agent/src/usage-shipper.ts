import { join } from "node:path";
import type { TranscriptBatch, UsageBatch, UsageBatchAck, UsageRecordInput } from "@stratavore/contracts";
import { oneAtATime, TranscriptTailer } from "@stratavore/runner";
import type { AgentLog } from "./agent-options.ts";
import { DeadLetters } from "./dead-letters.ts";
import { linesKey, SpoolJournal, type SpoolEvent, type SpoolState } from "./spool-journal.ts";
import { shipLines, shipUsage, type Shipping } from "./ship-spooled.ts";

interface Tracked {
  runnerId: string;
  cwd: string;
  sessionId: string;
  tailer: TranscriptTailer;
  /** Ended runners get one last read, then are dropped once nothing is pending. */
  ending: boolean;
  /**
   * A read has started since the runner ended, so it has seen the runner's last lines. Without
   * it, a runner ending while a tick shipped was dropped by that tick with its last lines unread.
   */
  finalRead: boolean;
  /** The offsets last written to the spool, to journal a read only when something changed. */
  spooled: string;
  /** A session the runner left (/clear): read once more, never its offsets in the spool. */
  left?: boolean;
}

/**
 * Tails the transcripts of this node's runners and ships their usage (DESIGN §3). Records
 * not yet acknowledged by the server, and every tailer's byte offsets, are kept on disk, so
 * a restart or an outage neither loses usage nor re-reads a transcript. Resending is safe:
 * the ledger's unique key makes a batch idempotent.
 */
export class UsageShipper {
  private readonly tracked = new Map<string, Tracked>();
  private pending = new Map<string, UsageRecordInput[]>();
  /** Per runner and session: a runner that moves to a new session still ships the old one's lines. */
  private pendingEntries: SpoolState["lines"] = new Map();
  /** What changed since the spool was last written. */
  private journalled: SpoolEvent[] = [];
  private spoolFailing = false;
  private timer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private busy = false;
  /** Polls and ticks run one after the other: a spool never holds offsets past records it lacks. */
  private readonly serially = oneAtATime();
  private readonly journal: SpoolJournal;
  private readonly deadLetters: DeadLetters;
  private readonly shipping: Shipping;

  constructor(
    private readonly opts: {
      dataDir: string;
      configDir: string;
      intervalMs: number;
      send: (batch: UsageBatch) => Promise<UsageBatchAck>;
      archive: (batch: TranscriptBatch) => Promise<UsageBatchAck>;
      log: AgentLog;
      /** How often transcripts are read between shipments (budget allowances are checked on every read). */
      pollMs?: number;
      /** Each runner's new records, as read (before shipping). */
      onRecords?: (runnerId: string, records: UsageRecordInput[]) => void;
      /** Which runners the fast reads cover (those with budget allowances); all of them at each shipment. */
      watched?: (runnerId: string) => boolean;
      /**
       * Whether a session's usage and lines may go: "hold" while the server does not know it as
       * the runner's yet (else refused), "drop" once it refused it (set aside here, logged).
       */
      sessionState?: (runnerId: string, sessionId: string) => "ship" | "hold" | "drop";
    },
  ) {
    this.journal = new SpoolJournal(opts.dataDir, (lines) =>
      opts.log("warn", "unreadable spool lines skipped; their transcript lines will be read again", { lines }),
    );
    this.deadLetters = new DeadLetters(join(opts.dataDir, "dead-letters.jsonl"), opts.log);
    this.shipping = {
      deadLetters: this.deadLetters,
      stateOf: (runnerId, sessionId) => opts.sessionState?.(runnerId, sessionId) ?? "ship",
      journal: (e) => this.journalled.push(e),
      log: opts.log,
    };
  }

  async start(): Promise<void> {
    await this.deadLetters.load();
    const spool = await this.journal.load();
    this.pending = spool.usage;
    this.pendingEntries = spool.lines;
    for (const [runnerId, t] of spool.tailers) {
      this.tracked.set(runnerId, {
        runnerId,
        cwd: t.cwd,
        sessionId: t.sessionId,
        ending: true,
        finalRead: false,
        spooled: JSON.stringify(t.state),
        tailer: new TranscriptTailer({
          configDir: this.opts.configDir,
          cwd: t.cwd,
          sessionId: t.sessionId,
          state: t.state,
        }),
      });
    }
    await this.persist();
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs);
    this.timer.unref();
    if (this.opts.pollMs && this.opts.pollMs < this.opts.intervalMs) {
      this.pollTimer = setInterval(() => void this.serially(() => this.readAll(this.opts.watched)), this.opts.pollMs);
      this.pollTimer.unref();
    }
  }

  track(runnerId: string, cwd: string, sessionId: string): void {
    const existing = this.tracked.get(runnerId);
    if (existing?.sessionId === sessionId) {
      existing.ending = false;
      return;
    }
    if (existing) {
      // Claude moved to another session (/clear): the old transcript gets a last read (what it
      // gained since the previous one) under a key of its own, then goes.
      this.tracked.set(`${runnerId}\n${existing.sessionId}`, {
        ...existing,
        ending: true,
        finalRead: false,
        left: true,
      });
    }
    this.follow(runnerId, cwd, sessionId);
  }

  private follow(runnerId: string, cwd: string, sessionId: string): void {
    this.tracked.set(runnerId, {
      runnerId,
      cwd,
      sessionId,
      ending: false,
      finalRead: false,
      // Journalled at the next read: a runner tracked is a runner the spool remembers.
      spooled: "",
      tailer: new TranscriptTailer({ configDir: this.opts.configDir, cwd, sessionId }),
    });
  }

  /** The runner ended: read what it wrote last, ship it, then forget it. */
  finish(runnerId: string): void {
    const t = this.tracked.get(runnerId);
    if (!t) return;
    t.ending = true;
    t.finalRead = false;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.tick();
  }

  /** Reads what every tracked transcript gained; records and lines wait in memory for the next tick. */
  private async readAll(only?: (runnerId: string) => boolean): Promise<void> {
    const all = [...this.tracked.values()];
    // Sessions runners left first: their records queue ahead of the new session's, which may be
    // held (shipping takes a runner's records in order, up to the first held one).
    for (const t of [...all.filter((x) => x.left), ...all.filter((x) => !x.left)]) {
      if (only && !only(t.runnerId)) continue;
      await this.readOne(t);
    }
  }

  private async readOne(t: Tracked): Promise<void> {
    const ended = t.ending;
    const { records, entries, malformed } = await t.tailer.poll({ final: ended });
    if (ended) t.finalRead = true;
    if (malformed) this.opts.log("warn", "malformed transcript lines skipped", { runnerId: t.runnerId, malformed });
    // Appended in place: a flush in progress holds these arrays and must see what arrives.
    if (records.length) {
      const list = this.pending.get(t.runnerId) ?? [];
      list.push(...records);
      this.pending.set(t.runnerId, list);
      this.opts.onRecords?.(t.runnerId, records);
    }
    if (entries.length) {
      const key = linesKey(t.runnerId, t.sessionId);
      const queued = this.pendingEntries.get(key);
      if (queued) queued.entries.push(...entries);
      else this.pendingEntries.set(key, { runnerId: t.runnerId, sessionId: t.sessionId, entries: [...entries] });
    }
    const state = t.tailer.state();
    const spooled = JSON.stringify(state);
    if (records.length || entries.length || spooled !== t.spooled) {
      t.spooled = spooled;
      this.journalled.push({
        t: "read",
        r: t.runnerId,
        cwd: t.cwd,
        s: t.sessionId,
        state,
        records: records.length ? records : undefined,
        entries: entries.length ? entries : undefined,
        ...(t.left ? { old: true as const } : {}),
      });
    }
  }

  /** Read, spool, ship. Reads and spool writes are serial; shipping runs beside the fast reads. */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.serially(async () => {
        await this.readAll();
        await this.persist();
      });
      await shipUsage(this.pending, this.opts.send, this.shipping);
      await shipLines(this.pendingEntries, this.opts.archive, this.shipping);
      await this.serially(async () => {
        const linesPending = new Set([...this.pendingEntries.values()].map((q) => q.runnerId));
        for (const [key, t] of [...this.tracked]) {
          // A session the runner left goes after its last read; what it gave ships with the runner's.
          if (t.left && t.finalRead) this.tracked.delete(key);
          else if (t.ending && t.finalRead && !this.pending.get(t.runnerId)?.length && !linesPending.has(t.runnerId)) {
            this.tracked.delete(key);
            this.journalled.push({ t: "untrack", r: t.runnerId });
          }
        }
        await this.persist();
      });
    } catch (err) {
      this.opts.log("warn", "usage shipping failed; will retry", { error: String(err) });
    } finally {
      this.busy = false;
    }
  }

  /** Usage records and transcript lines held until the server acknowledges them (reported on every heartbeat). */
  get spooledCount(): number {
    let n = 0;
    for (const records of this.pending.values()) n += records.length;
    for (const queued of this.pendingEntries.values()) n += queued.entries.length;
    return n;
  }

  /** How many refused items this node has set aside (reported on every heartbeat). */
  get deadLetterCount(): number {
    return this.deadLetters.size;
  }

  /**
   * Writes what changed to the spool. A failure (a full disk) does not stop shipping: what is in
   * memory still goes to the server, and the transcript itself is read again after a restart.
   */
  private async persist(): Promise<void> {
    const events = this.journalled.splice(0);
    try {
      await this.journal.write(events, () => ({
        usage: this.pending,
        lines: this.pendingEntries,
        tailers: new Map(
          [...this.tracked.values()]
            .filter((t) => !t.left)
            .map((t) => [t.runnerId, { cwd: t.cwd, sessionId: t.sessionId, state: t.tailer.state() }]),
        ),
      }));
      if (this.spoolFailing) this.opts.log("info", "the spool is writable again");
      this.spoolFailing = false;
    } catch (err) {
      if (!this.spoolFailing)
        this.opts.log("warn", "writing the spool failed; shipping continues from memory", { error: String(err) });
      this.spoolFailing = true;
    }
  }
}
