import { usageTotal, type UsageRecordInput } from "@stratavore/contracts";

/**
 * Whether `line` wins over `kept`, the line held for the same response (DESIGN §3 rule 1). A
 * response is written as several lines with growing usage: summing them over-counts and
 * keeping the first under-counts output, so the larger total wins — as a whole record, never a
 * per-field max, which would invent a response nobody received. On equal totals the main
 * thread's line wins over a sidechain replay, whichever was read first (the ledger's rule too,
 * so live tailing and import keep the same line); otherwise the first stays.
 */
export function replaces(line: HeldLine, kept: HeldLine): boolean {
  const [a, b] = [totalOf(line), totalOf(kept)];
  return a > b || (a === b && kept.isSidechain && !line.isSidechain);
}

/** What `replaces` needs of a line: a record, or just its total and flag (a tailer's memory of what it sent). */
export type HeldLine = UsageRecordInput | { total: number; isSidechain: boolean };

const totalOf = (l: HeldLine) => ("total" in l ? l.total : usageTotal(l));

/** One record per API response, keyed by message id, the winning line of each (`replaces`). */
export class UsageBatch {
  private readonly byKey = new Map<string, UsageRecordInput>();

  add(record: UsageRecordInput): void {
    const kept = this.byKey.get(record.messageId);
    // Map.set on an existing key keeps its position: output stays in first-seen order.
    if (!kept || replaces(record, kept)) this.byKey.set(record.messageId, record);
  }

  get size(): number {
    return this.byKey.size;
  }

  records(): UsageRecordInput[] {
    return [...this.byKey.values()];
  }
}

export function mergeByKey(records: Iterable<UsageRecordInput>): UsageRecordInput[] {
  const batch = new UsageBatch();
  for (const r of records) batch.add(r);
  return batch.records();
}
