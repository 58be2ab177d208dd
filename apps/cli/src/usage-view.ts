import type { UsageRow } from "@stratavore/contracts";
import { formatCompact, formatCount, formatUsd, oneLine, table } from "./output.ts";

export type UsageGroupBy = "day" | "week" | "month" | "model" | "project" | "session" | "runner" | "day_model";

const GROUP_HEADER: Record<UsageGroupBy, string> = {
  day: "DATE",
  week: "WEEK OF",
  month: "MONTH",
  model: "MODEL",
  project: "PROJECT",
  session: "SESSION",
  runner: "RUNNER",
  day_model: "DATE | MODEL",
};

/**
 * Dollars for what has a price; tokens of unknown models are shown apart, never as $0 (all
 * unpriced: "unpriced (12.3k tokens)"). `~$` marks a figure that includes estimated prices.
 */
export function formatCost(costUsd: number | null, unpricedTokens: number, estimatedUsd = 0): string {
  const usd = `${estimatedUsd > 0 ? "~" : ""}${formatUsd(costUsd ?? 0)}`;
  if (unpricedTokens <= 0) return usd;
  return costUsd
    ? `${usd} + ${formatCompact(unpricedTokens)} unpriced`
    : `unpriced (${formatCompact(unpricedTokens)} tokens)`;
}

/**
 * The server labels months by their first day (`2026-01` reads better) and sessions by their
 * titles; a terminal shows the session's id (what `resume` takes), the title after it.
 */
const label = (by: UsageGroupBy, row: UsageRow) => {
  if (by === "month") return row.label.replace(/^(\d{4}-\d{2})-01$/, "$1");
  if (by === "session") return row.label === row.group ? row.group : `${row.group} ${oneLine(row.label, 40)}`;
  if (by === "day_model") return row.group.replace("|", " | ");
  return row.label;
};

const cells = (name: string, r: UsageRow, searches: boolean) => [
  name,
  formatCount(r.inputTokens),
  formatCount(r.outputTokens),
  formatCount(r.cacheWrite5mTokens),
  formatCount(r.cacheWrite1hTokens),
  formatCount(r.cacheReadTokens),
  formatCount(r.totalTokens),
  ...(searches ? [formatCount(r.webSearchRequests)] : []),
  formatCost(r.costUsd, r.unpricedTokens, r.estimatedCostUsd),
];

/**
 * ccusage-style report: one row per group, tokens by type, a rule, then the Total row. Web
 * searches (charged per search, not per token) get a column when the range has any.
 */
export function usageTable(by: UsageGroupBy, rows: UsageRow[], totals: UsageRow): string {
  const searches = totals.webSearchRequests > 0;
  const header = [
    GROUP_HEADER[by],
    "INPUT",
    "OUTPUT",
    "CACHE WRITE 5M",
    "CACHE WRITE 1H",
    "CACHE READ",
    "TOTAL",
    ...(searches ? ["WEB SEARCHES"] : []),
    "COST",
  ];
  // Every column but the group's is a figure, COST included: right-aligned.
  const numeric = header.map((_, i) => i).slice(1);
  const body = [...rows.map((r) => cells(label(by, r), r, searches)), cells("Total", totals, searches)];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const rule = widths.map((w) => "-".repeat(w));
  return table(header, [...body.slice(0, -1), rule, ...body.slice(-1)], numeric);
}
