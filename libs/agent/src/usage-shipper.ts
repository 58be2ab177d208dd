import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
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

interface Tracked {
  runnerId: string;
  cwd: string;
  sessionId: string;
  tailer: TranscriptTailer;
  /** Ended runners get one last read, then are dropped once nothing is pending. */
  ending: boolean;
}

interface SpoolFile {
  pending: Record<string, UsageRecordInput[]>;
  entries?: Record<string, { sessionId: string; entries: TranscriptEntryInput[] }>;
  tailers: Record<string, { cwd: string; sessionId: string; state: ReturnType<TranscriptTailer["state"]> }>;
}

const MAX_BATCH = 1000;
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
  private pendingEntries = new Map<string, { sessionId: string; entries: TranscriptEntryInput[] }>();
  private timer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private busy = false;
  /** Polls and ticks run one after the other: a spool never holds offsets past records it lacks. */
  private readonly serially = oneAtATime();
  private readonly spoolPath: string;

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
    },
  ) {
    this.spoolPath = join(opts.dataDir, "usage-spool.json");
  }

  async start(): Promise<void> {
    if (existsSync(this.spoolPath)) {
      const spool = JSON.parse(await readFile(this.spoolPath, "utf8")) as SpoolFile;
      this.pending = new Map(Object.entries(spool.pending));
      this.pendingEntries = new Map(Object.entries(spool.entries ?? {}));
      for (const [runnerId, t] of Object.entries(spool.tailers)) {
        this.tracked.set(runnerId, {
          runnerId,
          cwd: t.cwd,
          sessionId: t.sessionId,
          ending: true,
          tailer: new TranscriptTailer({
            configDir: this.opts.configDir,
            cwd: t.cwd,
            sessionId: t.sessionId,
            state: t.state,
          }),
        });
      }
    }
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs);
    this.timer.unref();
    if (this.opts.pollMs && this.opts.pollMs < this.opts.intervalMs) {
      this.pollTimer = setInterval(() => void this.serially(() => this.readAll(this.opts.watched)), this.opts.pollMs);
      this.pollTimer.unref();
    }
  }

  track(runnerId: string, cwd: string, sessionId: string): void {
    const existing = this.tracked.get(runnerId);
    if (existing?.sessionId === sessionId) return void (existing.ending = false);
    this.tracked.set(runnerId, {
      runnerId,
      cwd,
      sessionId,
      ending: false,
      tailer: new TranscriptTailer({ configDir: this.opts.configDir, cwd, sessionId }),
    });
  }

  /** The runner ended: read what it wrote last, ship it, then forget it. */
  finish(runnerId: string): void {
    const t = this.tracked.get(runnerId);
    if (t) t.ending = true;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.tick();
  }

  /** Reads what every tracked transcript gained; records and lines wait in memory for the next tick. */
  private async readAll(only?: (runnerId: string) => boolean): Promise<void> {
    for (const t of this.tracked.values()) {
      if (only && !only(t.runnerId)) continue;
      const { records, entries, malformed } = await t.tailer.poll();
      if (malformed) this.opts.log("warn", "malformed transcript lines skipped", { runnerId: t.runnerId, malformed });
      // Appended in place: a flush in progress holds these arrays and must see what arrives.
      if (records.length) {
        const list = this.pending.get(t.runnerId) ?? [];
        list.push(...records);
        this.pending.set(t.runnerId, list);
        this.opts.onRecords?.(t.runnerId, records);
      }
      if (entries.length) {
        const queued = this.pendingEntries.get(t.runnerId);
        if (queued?.sessionId === t.sessionId) queued.entries.push(...entries);
        else this.pendingEntries.set(t.runnerId, { sessionId: t.sessionId, entries: [...entries] });
      }
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
        for (const t of [...this.tracked.values()])
          if (t.ending && !this.pending.get(t.runnerId)?.length && !this.pendingEntries.get(t.runnerId)?.entries.length)
            this.tracked.delete(t.runnerId);
        await this.persist();
      });
    } catch (err) {
      this.opts.log("warn", "usage shipping failed; will retry", { error: String(err) });
    } finally {
      this.busy = false;
    }
  }

  private async flush(): Promise<void> {
    for (const [runnerId, records] of this.pending) {
      while (records.length) {
        const batch = records.slice(0, MAX_BATCH);
        const ack = await this.opts.send({ runnerId, batchId: randomUUID(), records: batch });
        if (!ack.ok) {
          // NOT_FOUND: the server does not know this runner here (it was reassigned): drop, it cannot be attributed.
          if (ack.code === "NOT_FOUND") records.length = 0;
          else return;
        } else records.splice(0, batch.length);
      }
      this.pending.delete(runnerId);
    }
  }

  /** The archive: new transcript lines, in size-bounded batches; kept until acknowledged. */
  private async flushEntries(): Promise<void> {
    for (const [runnerId, queued] of this.pendingEntries) {
      while (queued.entries.length) {
        let bytes = 0;
        let n = 0;
        // Measured as sent (JSON, UTF-8): raw line, text and escaping all count against the socket limit.
        const size = (i: number) => Buffer.byteLength(JSON.stringify(queued.entries[i]));
        while (n < queued.entries.length && n < 500 && (n === 0 || bytes + size(n) < MAX_ENTRY_BYTES))
          bytes += size(n++);
        const ack = await this.opts.archive({
          runnerId,
          sessionId: queued.sessionId,
          entries: queued.entries.slice(0, n),
        });
        if (!ack.ok) {
          // Refusals that no retry can change: the runner is not here, the lines are bad, or
          // the session is not this runner's. Keeping them would stall every later batch.
          if (ack.code === "NOT_FOUND" || ack.code === "VALIDATION" || ack.code === "FORBIDDEN")
            queued.entries.splice(0, n);
          else return;
        } else queued.entries.splice(0, n);
      }
      this.pendingEntries.delete(runnerId);
    }
  }

  private async persist(): Promise<void> {
    const spool: SpoolFile = {
      entries: Object.fromEntries(this.pendingEntries),
      pending: Object.fromEntries(this.pending),
      tailers: Object.fromEntries(
        [...this.tracked.values()].map((t) => [
          t.runnerId,
          { cwd: t.cwd, sessionId: t.sessionId, state: t.tailer.state() },
        ]),
      ),
    };
    // The spool holds transcript lines not yet archived: the agent's user only.
    await mkdir(this.opts.dataDir, { recursive: true, mode: 0o700 });
    const tmp = `${this.spoolPath}.tmp`;
    await writeFile(tmp, JSON.stringify(spool), { mode: 0o600 });
    await rename(tmp, this.spoolPath);
  }
}
