import { usageTotal, type UsageRecordInput } from "@stratavore/contracts";

/**
 * One record per API response, keyed by message id (DESIGN §3 rule 1). A response is written as several lines with
 * growing usage: summing them over-counts and keeping the first under-counts output, so
 * the line with the larger total wins — as a whole record, never a per-field max, which
 * would invent a response nobody received. Ties keep the first (the main thread's line
 * over a sidechain replay read after it).
 */
export class UsageBatch {
  private readonly byKey = new Map<string, { record: UsageRecordInput; total: number }>();

  add(record: UsageRecordInput): void {
    const total = usageTotal(record);
    const kept = this.byKey.get(record.messageId);
    // Map.set on an existing key keeps its position: output stays in first-seen order.
    if (!kept || total > kept.total) this.byKey.set(record.messageId, { record, total });
  }

  get size(): number {
    return this.byKey.size;
  }

  records(): UsageRecordInput[] {
    return Array.from(this.byKey.values(), (v) => v.record);
  }
}

export function mergeByKey(records: Iterable<UsageRecordInput>): UsageRecordInput[] {
  const batch = new UsageBatch();
  for (const r of records) batch.add(r);
  return batch.records();
}
