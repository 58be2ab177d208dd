import type { Tx } from "./tx.ts";

export interface RekeyResult {
  /** Rows whose old `message.id:requestId` key became their message id. */
  rekeyed: number;
  /** Rows deleted because another row already counted the same API response. */
  collapsed: number;
}

/**
 * Ledgers written before the key became `message.id` (DESIGN §3 rule 1) hold one row per
 * `message.id:requestId`, so a sidechain replay of a response under a new request id was
 * counted again. Per message id this keeps the row with the larger total (the main thread's,
 * then the oldest, on ties) and deletes the rest, then re-keys what is left. Idempotent: a
 * ledger with only new keys is left alone. Run inside a transaction.
 */
export async function rekeyLedgerByMessageId(tx: Tx): Promise<RekeyResult> {
  const collapsed = await tx.$executeRaw`
    WITH affected AS (SELECT DISTINCT "messageId" FROM "UsageRecord" WHERE "usageKey" <> "messageId"),
    ranked AS (
      SELECT u.id, row_number() OVER (PARTITION BY u."messageId" ORDER BY u."totalTokens" DESC, u."isSidechain" ASC, u.id ASC) AS rank
        FROM "UsageRecord" u JOIN affected a ON a."messageId" = u."messageId")
    DELETE FROM "UsageRecord" u USING ranked r WHERE u.id = r.id AND r.rank > 1`;
  const rekeyed =
    await tx.$executeRaw`UPDATE "UsageRecord" SET "usageKey" = "messageId" WHERE "usageKey" <> "messageId"`;
  return { rekeyed, collapsed };
}
