import { canonicalModel, type ModelPrice } from "@stratavore/contracts";
import type { Tx } from "./tx.ts";

/** Admins' overrides, newest first (the first row of a pattern wins). */
export function listPriceOverrides(db: Tx) {
  return db.priceTable.findMany({ where: { isOverride: true }, orderBy: { effectiveFrom: "desc" } });
}

/**
 * One override per model: the new one replaces any earlier. Stored under the id prices are
 * looked up by (`canonicalModel`), so a dated or wrapped id typed by an admin and the same
 * model's plain id are one row — set under one, removable under the other.
 */
export async function replacePriceOverride(tx: Tx, version: string, p: ModelPrice): Promise<void> {
  await deletePriceOverride(tx, p.modelPattern);
  await tx.priceTable.create({
    data: {
      version,
      modelPattern: canonicalModel(p.modelPattern),
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

/**
 * Removes an admin's rows for this model, under whatever spelling of its id they were stored
 * (rows from before overrides were canonical kept the id as typed); how many (0: none was set).
 */
export async function deletePriceOverride(tx: Tx, modelPattern: string): Promise<number> {
  const id = canonicalModel(modelPattern);
  const rows = await tx.priceTable.findMany({ where: { isOverride: true }, select: { modelPattern: true } });
  const spellings = [...new Set(rows.map((r) => r.modelPattern).filter((m) => canonicalModel(m) === id))];
  if (!spellings.length) return 0;
  return (await tx.priceTable.deleteMany({ where: { modelPattern: { in: spellings }, isOverride: true } })).count;
}
