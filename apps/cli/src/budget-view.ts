import { usdAgainstLimit, usdOnlyLowerBound, type Budget } from "@stratavore/contracts";
import { fields, formatCompact, formatCount, formatDate, formatPercent, formatUsd, table } from "./output.ts";
import { shortId } from "./runner-ref.ts";

/** Off budgets never act, whatever their usage; that matters more than the state. */
export const budgetState = (b: Budget) => (b.enabled ? b.state : "disabled");

/** "≥" when unpriced usage makes the dollar figure a lower bound: the true share may be higher. */
const used = (b: Budget) => `${usdOnlyLowerBound(b) ? "≥" : ""}${formatPercent(b.fraction * 100)}`;
const scopeText = (b: Budget) => (b.scope === "global" ? "global" : b.scopeLabel);
const tokensOf = (b: Budget, f: (n: number) => string) =>
  `${f(b.usedTokens)} / ${b.limitTokens === null ? "-" : f(b.limitTokens)}`;
/** `~$` when estimated prices are in the figure; unpriced tokens said apart (a USD limit cannot see them). */
const usdOf = (b: Budget) => {
  if (b.limitUsd === null) return `${b.estimatedUsd > 0 ? "~" : ""}${formatUsd(b.usedUsd)} / -`;
  const { used, limit } = usdAgainstLimit(b.usedUsd, b.limitUsd);
  return `${b.estimatedUsd > 0 ? "~" : ""}${used} / ${limit}${b.unpricedTokens > 0 ? ` +${formatCompact(b.unpricedTokens)} unpriced` : ""}`;
};

export function budgetTable(budgets: Budget[]): string {
  return table(
    ["ID", "NAME", "SCOPE", "PERIOD", "TOKENS", "USD", "USED", "STATE", "ACTION", "RESETS"],
    budgets.map((b) => [
      shortId(b.id),
      b.name,
      scopeText(b),
      b.period,
      tokensOf(b, formatCompact),
      usdOf(b),
      used(b),
      budgetState(b),
      b.action,
      formatDate(b.periodEnd),
    ]),
  );
}

export function budgetDetail(b: Budget): string {
  return fields([
    ["Name", b.name],
    ["ID", b.id],
    ["Scope", scopeText(b)],
    ["Period", `${b.period} (now ${formatDate(b.periodStart)} to ${formatDate(b.periodEnd)})`],
    ["Tokens", tokensOf(b, formatCount)],
    ["USD", usdOf(b)],
    [
      "Used",
      `${used(b)} (${b.state})${usdOnlyLowerBound(b) ? "; the dollars are a lower bound: some usage has no price" : ""}`,
    ],
    ["Warn at", `${b.warnPercent}%`],
    ["Action", b.action],
    ["Enabled", b.enabled ? "yes" : "no"],
    ["Resets", formatDate(b.periodEnd)],
    ["Created", formatDate(b.createdAt)],
  ]);
}
