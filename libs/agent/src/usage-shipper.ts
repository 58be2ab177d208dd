import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type {
  TranscriptBatch,
  TranscriptEntryInput,
  UsageBatch,
  UsageBatchAck,
  UsageRecordInput,
} from "@stratavore/contracts";
import { oneAtATime, TranscriptTailer } from "@stratavore/runner";
import type { AgentLog } from "./agent-options.ts";
import { DeadLetters } from "./dead-letters.ts";
import { linesKey, SpoolJournal, type SpoolEvent, type SpoolState } from "./spool-journal.ts";
import { eachAtMost } from "./each-at-most.ts";

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

const MAX_BATCH = 1000;
/** Runners whose batches are in flight at once (each runner's own stay in order). */
const SHIP_CONCURRENCY = 8;
/** Archive batches stay well under the socket's message limit (transcript lines can be large). */
const MAX_ENTRY_BYTES = 2_000_000;

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
    const { records, entries, malformed } = await t.tailer.poll();
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
      await this.flush();
      await this.flushEntries();
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

  /**
   * Usage, runner by runner (each runner's batches in order, several runners at once: one at a
   * time, 250 runners' round trips made a response wait 9 s for the ledger at 1,000 runners):
   * one runner's refused or failing batch never holds up another's.
   * A transient failure keeps that runner's records for the next tick; a refusal no retry can
   * change sets the refused record aside (dead letters) and carries on.
   */
  private async flush(): Promise<void> {
    await eachAtMost(SHIP_CONCURRENCY, [...this.pending], async ([runnerId, records]) => {
      while (records.length) {
        // In order: a refused session's records at the head are set aside, then records go up to
        // the first one of a held session.
        const dropped = leading(records, (r) => this.stateOf(runnerId, r.sessionId) === "drop");
        if (dropped) {
          const [first] = records.splice(0, dropped);
          this.setAside("usage records", runnerId, first?.sessionId ?? "", dropped);
          this.journalled.push({ t: "shipped", k: "usage", r: runnerId, n: dropped });
          continue;
        }
        const batch = records.slice(
          0,
          leading(records.slice(0, MAX_BATCH), (r) => this.stateOf(runnerId, r.sessionId) === "ship"),
        );
        if (!batch.length) break;
        const sent = await this.deadLetters.deliver("usage", runnerId, batch, (items) =>
          this.opts.send({ runnerId, batchId: randomUUID(), records: items as UsageRecordInput[] }),
        );
        if (!sent) break;
        records.splice(0, batch.length);
        this.journalled.push({ t: "shipped", k: "usage", r: runnerId, n: batch.length });
      }
      if (!records.length) this.pending.delete(runnerId);
    });
  }

  /** The archive: new transcript lines in size-bounded batches, runner by runner, kept until acknowledged. */
  private async flushEntries(): Promise<void> {
    await eachAtMost(SHIP_CONCURRENCY, [...this.pendingEntries], async ([key, queued]) => {
      const { runnerId, sessionId } = queued;
      const state = this.stateOf(runnerId, sessionId);
      if (state === "hold") return;
      if (state === "drop") {
        this.setAside("transcript lines", runnerId, sessionId, queued.entries.length);
        this.journalled.push({ t: "shipped", k: "lines", r: runnerId, s: sessionId, n: queued.entries.length });
        this.pendingEntries.delete(key);
        return;
      }
      while (queued.entries.length) {
        let bytes = 0;
        let n = 0;
        // Measured as sent (JSON, UTF-8): raw line, text and escaping all count against the socket limit.
        const size = (i: number) => Buffer.byteLength(JSON.stringify(queued.entries[i]));
        while (n < queued.entries.length && n < 500 && (n === 0 || bytes + size(n) < MAX_ENTRY_BYTES))
          bytes += size(n++);
        const sent = await this.deadLetters.deliver("transcript", runnerId, queued.entries.slice(0, n), (items) =>
          this.opts.archive({ runnerId, sessionId, entries: items as TranscriptEntryInput[] }),
        );
        if (!sent) break;
        queued.entries.splice(0, n);
        this.journalled.push({ t: "shipped", k: "lines", r: runnerId, s: sessionId, n });
      }
      if (!queued.entries.length) this.pendingEntries.delete(key);
    });
  }

  private stateOf(runnerId: string, sessionId: string): "ship" | "hold" | "drop" {
    return this.opts.sessionState?.(runnerId, sessionId) ?? "ship";
  }

  /** What a session the server refused to take as the runner's gave: not sent (it would be refused, and audited, item by item). */
  private setAside(what: string, runnerId: string, sessionId: string, n: number): void {
    this.opts.log("warn", `${what} of a session the server refused for this runner set aside`, {
      runnerId,
      sessionId,
      n,
    });
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

/** How many items at the head of `items` satisfy `test`. */
function leading<T>(items: readonly T[], test: (item: T) => boolean): number {
  const i = items.findIndex((item) => !test(item));
  return i === -1 ? items.length : i;
}
