import type { Tx } from "./tx.ts";

/** Ledger rows after `afterId` in id order; `staleFor` keeps those not priced under that version. */
export function ledgerPage(db: Tx, afterId: bigint, size: number, staleFor?: string) {
  const stale = staleFor ? { OR: [{ priceVersion: null }, { priceVersion: { not: staleFor } }] } : {};
  return db.usageRecord.findMany({ where: { id: { gt: afterId }, ...stale }, orderBy: { id: "asc" }, take: size });
}

export interface RepricedRow {
  id: bigint;
  costUsd: number | null;
  priceVersion: string | null;
  unpriced: boolean;
  costEstimated: boolean;
  pricedAs: string | null;
}

/** New prices for many rows in one UPDATE (tokens and keys are never touched). */
export async function setLedgerPrices(db: Tx, rows: RepricedRow[]): Promise<void> {
  if (!rows.length) return;
  await db.$executeRaw`
    UPDATE "UsageRecord" u SET "costUsd" = v.cost, "priceVersion" = v.version, unpriced = v.unpriced, "costEstimated" = v.estimated, "pricedAs" = v.priced_as
      FROM unnest(${rows.map((d) => d.id)}::int8[], ${rows.map((d) => d.costUsd)}::numeric[], ${rows.map((d) => d.priceVersion)}::text[], ${rows.map((d) => d.unpriced)}::bool[],
                  ${rows.map((d) => d.costEstimated)}::bool[], ${rows.map((d) => d.pricedAs)}::text[]) AS v(id, cost, version, unpriced, estimated, priced_as)
     WHERE u.id = v.id`;
}
