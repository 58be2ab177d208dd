import { listPriceOverrides, type Db } from "@stratavore/db";
import {
  canonicalModel,
  SHIPPED_PRICES,
  SHIPPED_PRICE_VERSION,
  type ModelPrice,
  type PriceBook,
} from "@stratavore/contracts";

let cached: { at: number; book: PriceBook } | null = null;

/**
 * The shipped table with admins' overrides (PriceTable rows marked isOverride) on top; a
 * changed override changes the version, so `usage reprice` can tell what was priced how.
 */
export async function currentPriceBook(db: Db, maxAgeMs = 30_000): Promise<PriceBook> {
  if (cached && Date.now() - cached.at < maxAgeMs) return cached.book;
  const overrides = await listPriceOverrides(db);
  // By the id prices are looked up by: an override kept under a dated or differently cased
  // spelling (stored before they were canonical) replaces its model's row, not adds one.
  const byPattern = new Map<string, ModelPrice>(SHIPPED_PRICES.map((p) => [canonicalModel(p.modelPattern), p]));
  const overridden = new Set<string>();
  let latest = 0;
  for (const o of overrides) {
    const id = canonicalModel(o.modelPattern);
    // Newest first: the first override of a model is the one that applies.
    if (overridden.has(id)) continue;
    overridden.add(id);
    latest = Math.max(latest, o.effectiveFrom.getTime());
    byPattern.set(id, {
      modelPattern: id,
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
