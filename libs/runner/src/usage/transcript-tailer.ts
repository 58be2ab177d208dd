import { open, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { usageTotal, type TranscriptEntryInput, type UsageRecordInput } from "@stratavore/contracts";
import { isSessionId } from "../base/claude-args.ts";
import { projectTranscriptDir } from "../base/claude-paths.ts";
import { RunnerError } from "../base/errors.ts";
import { oneAtATime } from "../base/one-at-a-time.ts";
import { DEFAULT_CHUNK_BYTES, LineSplitter, type SplitLine } from "./line-splitter.ts";
import { LegacySubagents } from "./legacy-subagents.ts";
import { transcriptEntries } from "./parse-entry.ts";
import { parseUsageLine } from "./parse-line.ts";
import { subagentLabel, subagentTree } from "./subagent-tree.ts";
import { replaces, UsageBatch } from "./usage-batch.ts";

/** Where each transcript file of a session was read up to: JSON-safe, kept across agent restarts. */
export interface TranscriptTailerState {
  files: Record<string, number>;
}

export interface TranscriptTailerOptions {
  configDir: string;
  cwd: string;
  /** The project folder itself, when it is known but its cwd is not (importing history). */
  projectDir?: string;
  sessionId: string;
  state?: TranscriptTailerState;
  /** Read size; tests make it small to cross chunk boundaries. */
  chunkBytes?: number;
  /** How often the project folder is listed for pre-2.1.2 sub-agent files (tests: 0). */
  legacyListMs?: number;
}

/**
 * Pre-2.1.2 sub-agent files last written this long before the tailer started are not read until
 * they grow (a day: covers an agent restarted after a long outage, whose runners wrote on).
 */
const LEGACY_SINCE_MS = 24 * 3_600_000;

export interface TranscriptPoll {
  records: UsageRecordInput[];
  /**
   * Archive entries (DESIGN §5) of the lines completed since the last poll, each line once, in
   * file order (main transcript first, then sub-agent files by name). Not deduplicated
   * across a truncated or replaced file: the archive is idempotent by uuid.
   */
  entries: TranscriptEntryInput[];
  malformed: number;
  bytesRead: number;
}

/** Options the tailer cannot work with (a session id that is not a uuid, a corrupt saved state). */
export class TranscriptTailerError extends RunnerError {
  constructor(message: string) {
    super("INVALID_ARGS", message);
    this.name = "TranscriptTailerError";
  }
}

interface TrackedFile {
  /** Bytes consumed so far, including the held-back unfinished line. */
  readAt: number;
  splitter: LineSplitter;
  /** Seen on the last read; a different inode at the same path is a new file. */
  ino: number | null;
}

/**
 * Follows the usage of one Claude Code session (DESIGN §3 rule 5): `<session>.jsonl`, every
 * file of the `<session>/subagents/` tree (nested too), and an older claude's `agent-*.jsonl` beside it that name this
 * session (legacy-subagents.ts), each read from where the last poll stopped, so a
 * transcript is read once however large it grows. Sub-agent spend is attributed to this
 * session. Only complete lines are parsed; an unfinished last line waits for its newline.
 * Each poll also returns the archive entries of the new lines (`transcriptEntries`).
 */
export class TranscriptTailer {
  readonly sessionId: string;
  readonly mainPath: string;
  readonly subagentDir: string;
  private readonly legacy: LegacySubagents;
  private readonly chunkBytes: number;
  private readonly files = new Map<string, TrackedFile>();
  // Keys already returned, as the line sent: a later poll returns a key again only when its
  // line wins over that one (UsageBatch's rule: a larger total — a response whose final
  // snapshot landed after the poll that saw its first — or the main thread's line where a
  // sidechain replay of equal total was sent first), so a replay is never sent as new spend.
  private readonly emitted = new Map<string, { total: number; isSidechain: boolean }>();
  private readonly serially = oneAtATime();
  private saved: TranscriptTailerState = { files: {} };

  constructor({
    configDir,
    cwd,
    projectDir,
    sessionId,
    state,
    chunkBytes = DEFAULT_CHUNK_BYTES,
    legacyListMs,
  }: TranscriptTailerOptions) {
    // The id becomes a path: nothing that could climb out of the project folder.
    if (!isSessionId(sessionId)) throw new TranscriptTailerError(`sessionId "${sessionId}" is not a uuid`);
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0)
      throw new TranscriptTailerError("chunkBytes must be a positive integer");
    const dir = projectDir ?? projectTranscriptDir(configDir, cwd);
    this.sessionId = sessionId;
    this.mainPath = join(dir, `${sessionId}.jsonl`);
    this.subagentDir = join(dir, sessionId, "subagents");
    this.legacy = new LegacySubagents(dir, sessionId, Date.now() - LEGACY_SINCE_MS, legacyListMs);
    this.chunkBytes = chunkBytes;
    if (state !== undefined) this.restore(state);
  }

  /**
   * New usage since the last poll, one record per key. Concurrent calls run one after the
   * other (two reads from one offset would return the same lines twice).
   */
  poll(opts: { final?: boolean } = {}): Promise<TranscriptPoll> {
    return this.serially(() => this.pollOnce(opts.final ?? false));
  }

  /**
   * As of the last finished poll (a poll still running has not handed out its records):
   * the offset after the last complete line of each file. An unfinished line is not
   * included, so a tailer resumed from this state reads it again, whole, once.
   */
  state(): TranscriptTailerState {
    return { files: { ...this.saved.files } };
  }

  private restore(state: TranscriptTailerState): void {
    if (typeof state !== "object" || state === null || typeof state.files !== "object" || state.files === null) {
      throw new TranscriptTailerError("saved tailer state has no files map");
    }
    for (const [path, offset] of Object.entries(state.files)) {
      if (!Number.isSafeInteger(offset) || offset < 0)
        throw new TranscriptTailerError(`saved offset of ${path} is not a byte offset`);
      // Another session's or another config dir's files: start those afresh instead.
      if (path !== this.mainPath && !this.isSubagentFile(path) && !this.legacy.holds(path)) continue;
      this.legacy.adopt(path);
      this.files.set(path, { readAt: offset, splitter: new LineSplitter(), ino: null });
    }
    this.saved = this.snapshot();
  }

  private rewind(): void {
    this.files.clear();
    for (const [path, offset] of Object.entries(this.saved.files))
      this.files.set(path, { readAt: offset, splitter: new LineSplitter(), ino: null });
  }

  private snapshot(): TranscriptTailerState {
    const files: Record<string, number> = {};
    for (const [path, f] of this.files) files[path] = f.readAt - f.splitter.pendingBytes;
    return { files };
  }

  private isSubagentFile(path: string): boolean {
    return subagentLabel(this.subagentDir, path) !== null;
  }

  /** The name a file's lines are archived under: "" for the main transcript (fileLabel in scan-history). */
  private label(path: string): string {
    return path === this.mainPath ? "" : (subagentLabel(this.subagentDir, path) ?? basename(path));
  }

  /** `final`: the runner ended; every sub-agent file is looked for now, not at the next listing. */
  private async pollOnce(final: boolean): Promise<TranscriptPoll> {
    const batch = new UsageBatch();
    let malformed = 0;
    let bytesRead = 0;
    const entries: TranscriptEntryInput[] = [];
    try {
      for (const path of [this.mainPath, ...(await this.subagentFiles(final))]) {
        const read = await this.readNew(path, batch, entries, final);
        malformed += read.malformed;
        bytesRead += read.bytes;
      }
    } catch (err) {
      // The lines read so far are not handed out, so their bytes must not count as read:
      // back to the last finished poll, to be read again by the next one.
      this.rewind();
      throw err;
    }
    const records: UsageRecordInput[] = [];
    for (const r of batch.records()) {
      const sent = this.emitted.get(r.messageId);
      if (sent !== undefined && !replaces(r, sent)) continue;
      this.emitted.set(r.messageId, { total: usageTotal(r), isSidechain: r.isSidechain });
      records.push(r);
    }
    this.saved = this.snapshot();
    return { records, entries, malformed, bytesRead };
  }

  /** Sub-agent transcripts appear while the session runs: listed again on every poll, the whole tree. */
  private async subagentFiles(fresh: boolean): Promise<string[]> {
    const legacy = await this.legacy.files(Date.now(), fresh);
    try {
      return [...(await subagentTree(this.subagentDir)), ...legacy];
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return legacy;
      throw err;
    }
  }

  /** One complete line: its usage into `batch`, its archive entries into `entries`; 1 when malformed. */
  private take(line: SplitLine, file: string, batch: UsageBatch, entries: TranscriptEntryInput[]): number {
    const parsed = parseUsageLine(line.text, { sessionId: this.sessionId });
    if (parsed.kind === "usage") batch.add(parsed.record);
    entries.push(...transcriptEntries(line.text, { file, offset: line.start }, line.raw));
    return parsed.kind === "malformed" ? 1 : 0;
  }

  /**
   * The runner ended: a last line without its newline is read as it is (claude may have been
   * stopped between the line and its newline; import counts such a line too). It stays held
   * back, so a resumed session's tailer reads it again should it go on — the same response
   * then, counted once.
   */
  private readUnfinished(path: string, f: TrackedFile, batch: UsageBatch, entries: TranscriptEntryInput[]): number {
    const line = f.splitter.peekLine();
    if (!line) return 0;
    const start = f.readAt - f.splitter.pendingBytes;
    return this.take({ ...line, start }, this.label(path), batch, entries);
  }

  private async readNew(
    path: string,
    batch: UsageBatch,
    entries: TranscriptEntryInput[],
    final = false,
  ): Promise<{ bytes: number; malformed: number }> {
    // The agent polls every runner ten times a second: a file that has not changed costs one
    // stat, not an open, a read buffer and a close.
    const known = this.files.get(path);
    if (known) {
      const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return null;
        throw err;
      });
      if (!st || (st.size === known.readAt && st.ino === known.ino))
        return { bytes: 0, malformed: final ? this.readUnfinished(path, known, batch, entries) : 0 };
    }
    let handle;
    try {
      handle = await open(path, "r");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { bytes: 0, malformed: 0 }; // not written yet
      throw err;
    }
    try {
      const st = await handle.stat();
      let f = this.files.get(path);
      if (!f) {
        f = { readAt: 0, splitter: new LineSplitter(), ino: st.ino };
        this.files.set(path, f);
      }
      // Shorter than what was read, or another file at this path: truncated or replaced.
      // Start over; keys already sent are not sent again (see `emitted`).
      if (st.size < f.readAt || (f.ino !== null && f.ino !== st.ino)) {
        f.readAt = 0;
        f.splitter.reset();
      }
      f.ino = st.ino;
      const file = this.label(path);
      let bytes = 0;
      let malformed = 0;
      // Up to the size seen now: a file written meanwhile is read on by the next poll.
      // Sized to what is new (a chunk at most): most polls find a few KB.
      const buf = Buffer.allocUnsafe(Math.min(this.chunkBytes, st.size - f.readAt));
      while (f.readAt < st.size) {
        const want = Math.min(buf.length, st.size - f.readAt);
        const { bytesRead } = await handle.read(buf, 0, want, f.readAt);
        if (bytesRead === 0) break; // truncated since the stat
        const chunkStart = f.readAt;
        f.readAt += bytesRead;
        bytes += bytesRead;
        for (const line of f.splitter.pushLines(buf.subarray(0, bytesRead), chunkStart))
          malformed += this.take(line, file, batch, entries);
      }
      if (final) malformed += this.readUnfinished(path, f, batch, entries);
      return { bytes, malformed };
    } finally {
      await handle.close();
    }
  }
}
