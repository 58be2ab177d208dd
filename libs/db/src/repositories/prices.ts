import type { ModelPrice } from "@stratavore/contracts";
import type { Tx } from "./tx.ts";

/** Admins' overrides, newest first (the first row of a pattern wins). */
export function listPriceOverrides(db: Tx) {
  return db.priceTable.findMany({ where: { isOverride: true }, orderBy: { effectiveFrom: "desc" } });
}

/** One override per model pattern: the new one replaces any earlier. */
export async function replacePriceOverride(tx: Tx, version: string, p: ModelPrice): Promise<void> {
  await deletePriceOverride(tx, p.modelPattern);
  await tx.priceTable.create({
    data: {
      version,
      modelPattern: p.modelPattern,
      inputPerMTok: p.input,
      outputPerMTok: p.output,
      cacheWrite5mPerMTok: p.cacheWrite5m,
      cacheWrite1hPerMTok: p.cacheWrite1h,
      cacheReadPerMTok: p.cacheRead,
      longContextThreshold: p.longContextThreshold ?? null,
      longContextMultiplierInput: p.longContextInputMultiplier ?? null,
      longContextMultiplierOutput: p.longContextOutputMultiplier ?? null,
      fastModeMultiplier: p.fastModeMultiplier ?? null,
      isOverride: true,
      effectiveFrom: new Date(),
    },
  });
}

/** Removes an admin's row for this id; how many there were (0: none was set). */
export async function deletePriceOverride(tx: Tx, modelPattern: string): Promise<number> {
  return (await tx.priceTable.deleteMany({ where: { modelPattern, isOverride: true } })).count;
}
