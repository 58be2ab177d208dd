import type { Tx } from "./tx.ts";

/**
 * Archived assistant lines with a cache-write split of zeros, as claude writes them when the API
 * sent the total alone: the lines a parser before 2026-12-02 counted with no cache writes. By id,
 * in pages. The LIKE filters keep the scan to the lines that can hold such usage.
 */
export function zeroSplitLines(db: Tx, afterId: bigint, size: number) {
  return db.$queryRaw<{ id: bigint; sessionId: string; rawLine: string }[]>`
    SELECT id, "sessionId", "rawLine" FROM "TranscriptEntry"
     WHERE id > ${afterId} AND type = 'assistant'
       AND "rawLine" LIKE '%"ephemeral_5m_input_tokens":0%' AND "rawLine" LIKE '%"ephemeral_1h_input_tokens":0%'
       AND "rawLine" LIKE '%"cache_creation_input_tokens":%'
     ORDER BY id LIMIT ${size}`;
}

/**
 * Gives ledger rows stored with no cache writes the writes their line holds, adding them to the
 * row's total; the row loses its price version, so the reprice that follows prices it again.
 * A row with any cache writes is left as it is. Returns how many rows changed.
 */
export function raiseZeroCacheWrites(db: Tx, rows: { messageId: string; w5m: number; w1h: number }[]): Promise<number> {
  if (!rows.length) return Promise.resolve(0);
  return db.$executeRaw`
    UPDATE "UsageRecord" u
       SET "cacheWrite5mTokens" = v.w5m, "cacheWrite1hTokens" = v.w1h,
           "totalTokens" = u."totalTokens" + v.w5m + v.w1h, "priceVersion" = NULL
      FROM (SELECT DISTINCT ON (id) id, w5m, w1h
              FROM unnest(${rows.map((r) => r.messageId)}::text[], ${rows.map((r) => r.w5m)}::int8[], ${rows.map((r) => r.w1h)}::int8[]) AS t(id, w5m, w1h)
             ORDER BY id, w5m + w1h DESC) AS v
     WHERE u."usageKey" = v.id AND u."cacheWrite5mTokens" = 0 AND u."cacheWrite1hTokens" = 0`;
}

/** Whether the log holds an event of this type (a one-time upgrade step records that it ran). */
export async function eventOfTypeExists(db: Tx, type: string): Promise<boolean> {
  return (await db.event.findFirst({ where: { type }, select: { seq: true } })) !== null;
}
