import type { UsageRow } from "@stratavore/contracts";

/** Models drawn on their own; the rest of a day's spend is one "other models" band. */
export const SHOWN_MODELS = 5;
export const OTHER = "other models";
/** Distinct in both themes, ordered so neighbours in a stack differ. */
const PALETTE = ["#6366f1", "#0ea5e9", "#f59e0b", "#10b981", "#ec4899", "#94a3b8"];

export interface CostByModel {
  /** One object per day: `day`, the day's total and unpriced tokens, and one dollar figure per series. */
  data: Record<string, string | number>[];
  series: { key: string; color: string }[];
}

/**
 * Turns "YYYY-MM-DD|model" rows into a stacked series: one row per listed day (zeros where
 * nothing was spent), the most expensive models of the range on their own, the rest as "other".
 */
export function costByModel(split: UsageRow[], days: UsageRow[]): CostByModel {
  const perModel = new Map<string, number>();
  for (const r of split) {
    const model = r.group.slice(r.group.indexOf("|") + 1);
    perModel.set(model, (perModel.get(model) ?? 0) + (r.costUsd ?? 0));
  }
  const ranked = [...perModel.entries()].sort((a, b) => b[1] - a[1]).map(([m]) => m);
  const own = ranked.slice(0, SHOWN_MODELS);
  const keys = ranked.length > SHOWN_MODELS ? [...own, OTHER] : own;
  const byDay = new Map<string, Record<string, string | number>>();
  for (const d of days) {
    const row: Record<string, string | number> = {
      day: d.group,
      total: d.costUsd ?? 0,
      unpriced: d.unpricedTokens,
    };
    for (const k of keys) row[k] = 0;
    byDay.set(d.group, row);
  }
  for (const r of split) {
    const cut = r.group.indexOf("|");
    const row = byDay.get(r.group.slice(0, cut));
    if (!row) continue;
    const model = r.group.slice(cut + 1);
    const key = own.includes(model) ? model : OTHER;
    row[key] = Number(row[key] ?? 0) + (r.costUsd ?? 0);
  }
  return {
    data: [...byDay.values()],
    series: keys.map((key, i) => ({ key, color: PALETTE[Math.min(i, PALETTE.length - 1)] ?? "#94a3b8" })),
  };
}
