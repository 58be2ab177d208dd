import { type Tx, usageTimesSince, windowChainStart, type WindowScope } from "@stratavore/db";

/** Claude subscriptions count usage in 5-hour windows. */
export const WINDOW_MS = 5 * 3_600_000;
/** How far back the start of the current run of use is looked for (a week of use without a 5-hour pause is walked from a week ago). */
export const WINDOW_LOOKBACK_MS = 7 * 24 * 3_600_000;

const floorHour = (t: number) => t - (t % 3_600_000);

/**
 * The 5-hour block `now` falls in, as ccusage and Claude-Code-Usage-Monitor reckon them: a
 * block starts at the hour of the first use after the previous block ended and lasts five
 * hours. `times` are the uses (any order) since the current run of use began (`windowUses`:
 * from the last use after a pause of five hours or more). With no block
 * running, the next one would start with the next use: this hour, so nothing used yet.
 */
export function currentWindow(times: readonly Date[], now: Date): { start: Date; end: Date; active: boolean } {
  let start: number | null = null;
  for (const t of [...times].map((d) => d.getTime()).sort((a, b) => a - b)) {
    if (t > now.getTime()) break;
    if (start === null || t >= start + WINDOW_MS) start = floorHour(t);
  }
  if (start !== null && now.getTime() < start + WINDOW_MS)
    return { start: new Date(start), end: new Date(start + WINDOW_MS), active: true };
  const next = floorHour(now.getTime());
  return { start: new Date(next), end: new Date(next + WINDOW_MS), active: false };
}

/** The uses the current window is found from: those since the current run of use began. */
export async function windowUses(db: Tx, scope: WindowScope, now: Date): Promise<Date[]> {
  const start = await windowChainStart(db, scope, new Date(now.getTime() - WINDOW_LOOKBACK_MS));
  return start ? usageTimesSince(db, scope, start) : [];
}
