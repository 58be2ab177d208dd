import type { UsageRecordInput } from "@stratavore/contracts";

/** One session as `usage.import` takes it. */
export interface ImportSession {
  sessionId: string;
  cwd: string | null;
  title: string | null;
  firstAt: string | null;
  lastAt: string | null;
  messageCount: number;
  records: UsageRecordInput[];
}

export interface BatchLimits {
  sessions: number;
  records: number;
  /** JSON size of a call's sessions: the server refuses bodies over 1 MB. */
  bytes: number;
}

export const BATCH_LIMITS: BatchLimits = { sessions: 20, records: 5000, bytes: 800_000 };

const bytesOf = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/**
 * A session too big for one call becomes several, each with the same metadata and a share
 * of the records: the server upserts sessions and records by id, so the parts add up.
 */
export function splitSession(
  s: ImportSession,
  limits: BatchLimits = BATCH_LIMITS,
): { part: ImportSession; bytes: number }[] {
  const meta = bytesOf({ ...s, records: [] });
  const parts: { part: ImportSession; bytes: number }[] = [];
  let records: UsageRecordInput[] = [];
  let bytes = meta;
  for (const r of s.records) {
    const size = bytesOf(r) + 1;
    if (records.length && (records.length >= limits.records || bytes + size > limits.bytes)) {
      parts.push({ part: { ...s, records }, bytes });
      records = [];
      bytes = meta;
    }
    records.push(r);
    bytes += size;
  }
  parts.push({ part: { ...s, records }, bytes });
  return parts;
}

/** Groups sessions into calls of at most `limits` sessions, records and bytes. */
export class ImportBatcher {
  private pending: ImportSession[] = [];
  private records = 0;
  private bytes = 0;

  constructor(private readonly limits: BatchLimits = BATCH_LIMITS) {}

  /** Adds a session; returns the calls that are full and ready to send. */
  add(session: ImportSession): ImportSession[][] {
    const ready: ImportSession[][] = [];
    for (const { part, bytes } of splitSession(session, this.limits)) {
      const fits =
        this.pending.length < this.limits.sessions &&
        this.records + part.records.length <= this.limits.records &&
        this.bytes + bytes <= this.limits.bytes;
      if (!fits && this.pending.length) ready.push(this.take());
      this.pending.push(part);
      this.records += part.records.length;
      this.bytes += bytes;
    }
    return ready;
  }

  /** Whether a part of this session waits here still (a session too big for one call is sent in several). */
  holds(sessionId: string): boolean {
    return this.pending.some((s) => s.sessionId === sessionId);
  }

  /** What is left, if anything. */
  flush(): ImportSession[] | null {
    return this.pending.length ? this.take() : null;
  }

  private take(): ImportSession[] {
    const batch = this.pending;
    this.pending = [];
    this.records = 0;
    this.bytes = 0;
    return batch;
  }
}
