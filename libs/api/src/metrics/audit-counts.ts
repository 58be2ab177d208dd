import { eventCountsAfter, type Db } from "@stratavore/db";

/**
 * Audit events by type, counted from the log itself. The log is append-only and appends are
 * serialised (one chain), so counting only the rows past the last sequence seen is exact: the
 * first scrape reads the whole log once, each later one only what was appended since. Works the
 * same on every server instance and survives restarts.
 */
export class AuditCounts {
  private readonly counts = new Map<string, number>();
  private lastSeq = 0n;
  private reading: Promise<ReadonlyMap<string, number>> | null = null;

  constructor(private readonly db: Db) {}

  read(): Promise<ReadonlyMap<string, number>> {
    this.reading ??= this.catchUp().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async catchUp(): Promise<ReadonlyMap<string, number>> {
    const { counts, lastSeq } = await eventCountsAfter(this.db, this.lastSeq);
    for (const { type, count } of counts) this.counts.set(type, (this.counts.get(type) ?? 0) + count);
    this.lastSeq = lastSeq;
    return this.counts;
  }
}
