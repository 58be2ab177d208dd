import { emptyUsageRow, type UsageRow } from "@stratavore/contracts";

export const RANGE_DAYS = [7, 30, 90] as const;
export type RangeDays = (typeof RANGE_DAYS)[number];
export const asRangeDays = (v: string | null): RangeDays =>
  (RANGE_DAYS as readonly number[]).includes(Number(v)) ? (Number(v) as RangeDays) : 30;

const pad = (n: number) => String(n).padStart(2, "0");

/** A local calendar day as the server labels day groups: "YYYY-MM-DD". */
export const dayKey = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** "YYYY-MM-DD" → local midnight of that day. */
export function parseDayKey(key: string): Date {
  const [y, m, d] = key.split("-").map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

/** The report's range: the last 7/30/90 days, or chosen days (inclusive, local calendar days). */
export type UsageRange = { kind: "days"; days: RangeDays } | { kind: "custom"; from: string; to: string };

/** Longest custom range: a year (a day-by-day report of more is unreadable, and the rows are capped). */
export const MAX_CUSTOM_DAYS = 366;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** `?from=&to=` when both are real days in order and at most a year apart; else `?days=` (30 by default). */
export function parseRange(params: { get(name: string): string | null }): UsageRange {
  const from = params.get("from");
  const to = params.get("to");
  if (
    from &&
    to &&
    DAY_RE.test(from) &&
    DAY_RE.test(to) &&
    dayKey(parseDayKey(from)) === from &&
    dayKey(parseDayKey(to)) === to
  ) {
    const span = Math.round((parseDayKey(to).getTime() - parseDayKey(from).getTime()) / 86_400_000) + 1;
    if (span >= 1 && span <= MAX_CUSTOM_DAYS) return { kind: "custom", from, to };
  }
  return { kind: "days", days: asRangeDays(params.get("days")) };
}

/** The query's bounds: `since` inclusive, `until` exclusive (none: now), and the last day shown. */
export function rangeBounds(range: UsageRange, now = new Date()): { since: Date; until?: Date; lastDay: Date } {
  if (range.kind === "days") return { since: rangeStart(range.days, now), lastDay: now };
  const lastDay = parseDayKey(range.to);
  const until = new Date(lastDay.getFullYear(), lastDay.getMonth(), lastDay.getDate() + 1);
  return { since: parseDayKey(range.from), until, lastDay };
}

export const rangeLabel = (range: UsageRange): string =>
  range.kind === "days" ? `the last ${range.days} days` : `${range.from} – ${range.to}`;

/** Local midnight `days - 1` days ago: a 7-day range is today and the six days before. */
export function rangeStart(days: number, now = new Date()): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
}

/**
 * One row per day from `since` through `until` (inclusive), zeros where nothing was spent, so a
 * chart's time axis has no holes. Server days (its time zone) that fall outside are kept, in order.
 */
export function fillDays(rows: UsageRow[], since: Date, until = new Date()): UsageRow[] {
  const byDay = new Map(rows.map((r) => [r.group, r]));
  const out = new Map<string, UsageRow>();
  for (
    let d = new Date(since.getFullYear(), since.getMonth(), since.getDate());
    d <= until;
    d.setDate(d.getDate() + 1)
  ) {
    const key = dayKey(d);
    out.set(key, byDay.get(key) ?? emptyUsageRow(key));
  }
  for (const r of rows) if (!out.has(r.group)) out.set(r.group, r);
  return [...out.values()].sort((a, b) => a.group.localeCompare(b.group));
}

export const formatDayTick = (key: string) =>
  parseDayKey(key).toLocaleDateString(undefined, { month: "short", day: "numeric" });
export const formatDayLong = (key: string) =>
  parseDayKey(key).toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric", year: "numeric" });
