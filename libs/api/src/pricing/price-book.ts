import { listPriceOverrides, type Db } from "@stratavore/db";
import { SHIPPED_PRICES, SHIPPED_PRICE_VERSION, type ModelPrice, type PriceBook } from "@stratavore/contracts";

let cached: { at: number; book: PriceBook } | null = null;

/**
 * The shipped table with admins' overrides (PriceTable rows marked isOverride) on top; a
 * changed override changes the version, so `usage reprice` can tell what was priced how.
 */
export async function currentPriceBook(db: Db, maxAgeMs = 30_000): Promise<PriceBook> {
  if (cached && Date.now() - cached.at < maxAgeMs) return cached.book;
  const overrides = await listPriceOverrides(db);
  const byPattern = new Map<string, ModelPrice>(SHIPPED_PRICES.map((p) => [p.modelPattern, p]));
  let latest = 0;
  for (const o of overrides) {
    if (byPattern.get(o.modelPattern) && overrides.find((x) => x.modelPattern === o.modelPattern) !== o) continue;
    latest = Math.max(latest, o.effectiveFrom.getTime());
    byPattern.set(o.modelPattern, {
      modelPattern: o.modelPattern,
      input: Number(o.inputPerMTok),
      output: Number(o.outputPerMTok),
      cacheWrite5m: Number(o.cacheWrite5mPerMTok),
      cacheWrite1h: Number(o.cacheWrite1hPerMTok),
      cacheRead: Number(o.cacheReadPerMTok),
      longContextThreshold: o.longContextThreshold ?? undefined,
      longContextInputMultiplier:
        o.longContextMultiplierInput === null ? undefined : Number(o.longContextMultiplierInput),
      longContextOutputMultiplier:
        o.longContextMultiplierOutput === null ? undefined : Number(o.longContextMultiplierOutput),
      fastModeMultiplier: o.fastModeMultiplier === null ? undefined : Number(o.fastModeMultiplier),
    });
  }
  const book = {
    version: latest ? `${SHIPPED_PRICE_VERSION}+overrides-${new Date(latest).toISOString()}` : SHIPPED_PRICE_VERSION,
    prices: [...byPattern.values()],
  };
  cached = { at: Date.now(), book };
  return book;
}

export function forgetPriceBook(): void {
  cached = null;
}
