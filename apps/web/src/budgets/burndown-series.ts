import type { Budget } from "@stratavore/contracts";

export type BurnMetric = "tokens" | "usd";

export interface Bucket {
  start: Date;
  end: Date;
}

export interface BurnPoint {
  t: number;
  actual?: number;
  projected?: number;
}

const MINUTE = 60_000;

/**
 * The slices of a budget period a burn-down is drawn from: 5-minute slices of an hour, hours of
 * a day, days of a week or month (local time, like the server's periods).
 */
export function periodBuckets(period: Budget["period"], start: Date, end: Date): Bucket[] {
  const out: Bucket[] = [];
  const step = (d: Date): Date => {
    if (period === "hourly") return new Date(d.getTime() + 5 * MINUTE);
    if (period === "daily") return new Date(d.getTime() + 60 * MINUTE);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1);
  };
  for (let s = start; s < end;) {
    const e = step(s);
    out.push({ start: s, end: e > end ? end : e });
    s = e;
  }
  return out;
}

/** Hourly and daily periods need finer slices than `usage.query` groups by (days), so they ask per slice. */
export const needsSliceQueries = (period: Budget["period"]) => period === "hourly" || period === "daily";

/** Which figure the chart follows: the one the budget limits, or the nearer to its limit when both are. */
export function defaultMetric(b: Budget): BurnMetric {
  if (b.limitUsd === null) return "tokens";
  if (b.limitTokens === null) return "usd";
  return b.usedUsd / b.limitUsd >= b.usedTokens / b.limitTokens ? "usd" : "tokens";
}

export const limitOf = (b: Budget, m: BurnMetric) => (m === "usd" ? b.limitUsd : b.limitTokens);
export const usedOf = (b: Budget, m: BurnMetric) => (m === "usd" ? b.usedUsd : b.usedTokens);

/**
 * Cumulative spend per elapsed slice, ending at `now` with the budget's live figure, plus a
 * straight line from there to the period end at the average pace so far.
 */
export function burnSeries(
  b: Budget,
  m: BurnMetric,
  bucketSpend: { end: Date; value: number }[],
  now: number,
): { points: BurnPoint[]; projectedEnd: number | null } {
  const start = b.periodStart.getTime();
  const end = b.periodEnd.getTime();
  const points: BurnPoint[] = [{ t: start, actual: 0 }];
  let sum = 0;
  for (const s of bucketSpend) {
    if (s.end.getTime() > now) break;
    sum += s.value;
    points.push({ t: s.end.getTime(), actual: sum });
  }
  const clampedNow = Math.min(Math.max(now, start), end);
  // The live figure (moved by budget:update) wins over the slices, which refresh more slowly.
  const usedNow = Math.max(sum, usedOf(b, m));
  points.push({ t: clampedNow, actual: usedNow });
  const elapsed = clampedNow - start;
  if (elapsed <= 0 || clampedNow >= end) return { points, projectedEnd: null };
  const projectedEnd = usedNow * ((end - start) / elapsed);
  points[points.length - 1] = { t: clampedNow, actual: usedNow, projected: usedNow };
  points.push({ t: end, projected: projectedEnd });
  return { points, projectedEnd };
}

/** When the average pace so far reaches the limit, if it does so before the period ends. */
export function limitReachedAt(b: Budget, m: BurnMetric, now: number): Date | null {
  const limit = limitOf(b, m);
  const used = usedOf(b, m);
  const start = b.periodStart.getTime();
  const elapsed = now - start;
  if (limit === null || used >= limit || used <= 0 || elapsed <= 0) return null;
  const at = start + (limit / used) * elapsed;
  return at < b.periodEnd.getTime() ? new Date(at) : null;
}
