import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TranscriptEntryInput, UsageRecordInput } from "@stratavore/contracts";
import type { TranscriptTailerState as TailerState } from "@stratavore/runner";

/** What the agent has read and not yet had acknowledged, and how far it has read. */
export interface SpoolState {
  /** runnerId → usage records not yet acknowledged. */
  usage: Map<string, UsageRecordInput[]>;
  /** runnerId + session → transcript lines not yet archived. */
  lines: Map<string, { runnerId: string; sessionId: string; entries: TranscriptEntryInput[] }>;
  /** runnerId → the transcript it tails and the byte offsets read so far. */
  tailers: Map<string, { cwd: string; sessionId: string; state: TailerState }>;
}

/**
 * One line of the journal. A read carries its records, its lines and the offsets after them
 * in one line, so the journal never holds offsets past records it lacks.
 */
export type SpoolEvent =
  | {
      t: "read";
      r: string;
      cwd: string;
      s: string;
      state: TailerState;
      records?: UsageRecordInput[];
      entries?: TranscriptEntryInput[];
      /** A last read of a session the runner left (/clear): its lines and usage, not its offsets. */
      old?: true;
    }
  | { t: "shipped"; k: "usage"; r: string; n: number }
  | { t: "shipped"; k: "lines"; r: string; s: string; n: number }
  | { t: "untrack"; r: string };

export const linesKey = (runnerId: string, sessionId: string) => `${runnerId}\n${sessionId}`;

export const emptySpool = (): SpoolState => ({ usage: new Map(), lines: new Map(), tailers: new Map() });

/** Applies one event; replaying the journal in order rebuilds the state it was written from. */
export function applyEvent(state: SpoolState, e: SpoolEvent): void {
  if (e.t === "read") {
    if (!e.old) state.tailers.set(e.r, { cwd: e.cwd, sessionId: e.s, state: e.state });
    if (e.records?.length) {
      const queue = state.usage.get(e.r) ?? [];
      queue.push(...e.records);
      state.usage.set(e.r, queue);
    }
    if (e.entries?.length) {
      const key = linesKey(e.r, e.s);
      const queue = state.lines.get(key) ?? { runnerId: e.r, sessionId: e.s, entries: [] };
      queue.entries.push(...e.entries);
      state.lines.set(key, queue);
    }
  } else if (e.t === "shipped") {
    // Acknowledged items leave from the front; reads only ever add at the back.
    if (e.k === "usage") {
      const queue = state.usage.get(e.r);
      queue?.splice(0, e.n);
      if (queue && !queue.length) state.usage.delete(e.r);
    } else {
      const key = linesKey(e.r, e.s);
      const queue = state.lines.get(key);
      queue?.entries.splice(0, e.n);
      if (queue && !queue.entries.length) state.lines.delete(key);
    }
  } else state.tailers.delete(e.r);
}

/** The smallest journal that rebuilds `state`. */
function snapshot(state: SpoolState): SpoolEvent[] {
  const out: SpoolEvent[] = [];
  for (const [r, records] of state.usage) {
    const t = state.tailers.get(r);
    out.push({ t: "read", r, cwd: t?.cwd ?? "", s: t?.sessionId ?? "", state: t?.state ?? emptyTail(), records });
    if (!t) out.push({ t: "untrack", r });
  }
  for (const q of state.lines.values()) {
    const t = state.tailers.get(q.runnerId);
    if (t) out.push({ t: "read", r: q.runnerId, cwd: t.cwd, s: q.sessionId, state: t.state, entries: q.entries });
    else {
      out.push({ t: "read", r: q.runnerId, cwd: "", s: q.sessionId, state: emptyTail(), entries: q.entries });
      out.push({ t: "untrack", r: q.runnerId });
    }
  }
  // Last, so each runner's offsets are its current session's (a queue of an older one set others).
  for (const [r, t] of state.tailers) out.push({ t: "read", r, cwd: t.cwd, s: t.sessionId, state: t.state });
  return out;
}

const emptyTail = (): TailerState => ({ files: {} });

/**
 * The agent's spool on disk: an append-only journal of reads and acknowledgements (JSON
 * lines, 0600), so each tick writes only what changed — before, the whole spool (transcript
 * lines included) was rewritten every tick, 27 MB at a time behind a stuck batch. It is
 * compacted (rewritten from the state, atomically by rename) at start, when it has grown to
 * several times its last compacted size, and after a failed append (a full disk may leave a
 * torn last line; the state in memory is whole). A torn or unreadable line is skipped on load:
 * what it held is read again from the transcript, and resending is idempotent.
 */
export class SpoolJournal {
  private readonly path: string;
  private readonly legacyPath: string;
  private bytes = 0;
  private compactedBytes = 0;
  private mustCompact = true;

  constructor(
    private readonly dataDir: string,
    private readonly onSkipped: (lines: number) => void = () => {},
    /** Growth allowed over four times the compacted size before a rewrite (tests lower it). */
    private readonly slackBytes = 1_048_576,
  ) {
    this.path = join(dataDir, "spool.jsonl");
    this.legacyPath = join(dataDir, "usage-spool.json");
  }

  async load(): Promise<SpoolState> {
    const state = emptySpool();
    if (existsSync(this.path)) {
      let skipped = 0;
      for (const line of (await readFile(this.path, "utf8")).split("\n")) {
        if (!line) continue;
        try {
          applyEvent(state, JSON.parse(line) as SpoolEvent);
        } catch {
          skipped++;
        }
      }
      if (skipped) this.onSkipped(skipped);
    } else if (existsSync(this.legacyPath)) await this.loadLegacy(state);
    return state;
  }

  /** Appends events (one write); compacts instead when due. Throws on a failed write. */
  async write(events: SpoolEvent[], state: () => SpoolState): Promise<void> {
    if (this.mustCompact || this.bytes > 4 * this.compactedBytes + this.slackBytes) return this.compact(state());
    if (!events.length) return;
    const text = events.map((e) => `${JSON.stringify(e)}\n`).join("");
    try {
      await appendFile(this.path, text, { mode: 0o600 });
    } catch (err) {
      this.mustCompact = true;
      throw err;
    }
    this.bytes += Buffer.byteLength(text);
  }

  private async compact(state: SpoolState): Promise<void> {
    // The spool holds transcript lines not yet archived: the agent's user only.
    await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    const text = snapshot(state)
      .map((e) => `${JSON.stringify(e)}\n`)
      .join("");
    const tmp = `${this.path}.tmp`;
    try {
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, this.path);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {});
      this.mustCompact = true;
      throw err;
    }
    this.bytes = this.compactedBytes = Buffer.byteLength(text);
    this.mustCompact = false;
    if (existsSync(this.legacyPath)) await rm(this.legacyPath, { force: true });
  }

  /** The whole-file spool of earlier versions (`usage-spool.json`), read once and replaced. */
  private async loadLegacy(state: SpoolState): Promise<void> {
    const old = JSON.parse(await readFile(this.legacyPath, "utf8")) as {
      pending: Record<string, UsageRecordInput[]>;
      entries?: Record<string, { sessionId: string; entries: TranscriptEntryInput[] }>;
      tailers: Record<string, { cwd: string; sessionId: string; state: TailerState }>;
    };
    for (const [r, t] of Object.entries(old.tailers)) state.tailers.set(r, t);
    for (const [r, records] of Object.entries(old.pending)) if (records.length) state.usage.set(r, records);
    for (const [r, q] of Object.entries(old.entries ?? {}))
      if (q.entries.length) state.lines.set(linesKey(r, q.sessionId), { runnerId: r, ...q });
  }
}
