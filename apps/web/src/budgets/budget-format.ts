import { percentUsed, usdAgainstLimit, usdOnlyLowerBound, type Budget } from "@stratavore/contracts";
import { formatDuration, formatTokens, type GaugeTone } from "@stratavore/ui";

export const PERIOD_LABELS: Record<Budget["period"], string> = {
  hourly: "Hourly",
  daily: "Daily",
  weekly: "Weekly",
  monthly: "Monthly",
  five_hour: "5-hour window",
};

export const ACTION_LABELS: Record<Budget["action"], string> = {
  notify: "Notify only",
  block_launch: "Block new launches",
  pause: "Pause runners",
  terminate: "Stop runners",
};

export const STATE_TONES: Record<Budget["state"], string> = { ok: "green", warning: "amber", exceeded: "red" };

/** A disabled budget is drawn grey whatever its figures say: it enforces nothing. */
export const gaugeTone = (b: Budget): GaugeTone => (b.enabled ? b.state : "off");

export const tokensUsedLabel = (b: Budget) =>
  b.limitTokens === null ? null : `${formatTokens(b.usedTokens)} / ${formatTokens(b.limitTokens)} tokens`;
/** "~" when estimated prices are in the figure; unpriced tokens said apart: a USD limit cannot see them. */
export const usdUsedLabel = (b: Budget) => {
  if (b.limitUsd === null) return null;
  const { used, limit } = usdAgainstLimit(b.usedUsd, b.limitUsd);
  return `${b.estimatedUsd > 0 ? "~" : ""}${used} / ${limit}${b.unpricedTokens > 0 ? ` (+${formatTokens(b.unpricedTokens)} unpriced: not evaluable in dollars)` : ""}`;
};

/**
 * How much of its limit a budget has used, as every view writes it: "57 %", or "at least 57 %"
 * when it is a dollar-only budget over usage with no price (DESIGN §3 rule 4: the dollars are
 * a lower bound). `short` is the ring's text ("≥57%").
 */
export function usedShare(b: Pick<Budget, "fraction" | "limitUsd" | "unpricedTokens">, short = false): string {
  return short ? `${usdOnlyLowerBound(b) ? "≥" : ""}${Math.round(b.fraction * 100)}%` : percentUsed(b);
}

/** "resets in 3h 20m", or "resetting…" once the period is over and the list has yet to refetch. */
export function resetLabel(b: Budget, now: number): string {
  const left = b.periodEnd.getTime() - now;
  return left > 0 ? `resets in ${formatDuration(left)}` : "resetting…";
}

/** Where the scope lives in the app, when it is a page. */
export function scopeHref(b: Budget): string | null {
  if (b.scope === "project" && b.scopeId) return `/projects/${b.scopeId}`;
  if (b.scope === "runner" && b.scopeId) return `/runners/${b.scopeId}`;
  return null;
}

/** The usage.query filter that matches what this budget counts. */
export function budgetUsageScope(b: Budget): { project?: string; runnerId?: string } {
  if (b.scope === "project" && b.scopeId) return { project: b.scopeId };
  if (b.scope === "runner" && b.scopeId) return { runnerId: b.scopeId };
  return {};
}
