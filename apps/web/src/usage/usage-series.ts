import type { UsageRow } from "@stratavore/contracts";

/** The token types of a usage row, in stacking order, with one colour each for charts and bars. */
export const TOKEN_SERIES = [
  { key: "inputTokens", label: "Input", color: "#6366f1" },
  { key: "outputTokens", label: "Output", color: "#0ea5e9" },
  { key: "cacheWrite5mTokens", label: "Cache write (5 min)", color: "#f59e0b" },
  { key: "cacheWrite1hTokens", label: "Cache write (1 h)", color: "#b45309" },
  { key: "cacheReadTokens", label: "Cache read", color: "#10b981" },
] as const satisfies readonly { key: keyof UsageRow; label: string; color: string }[];

export const tokenSegments = (row: UsageRow) =>
  TOKEN_SERIES.map((s) => ({ key: s.key, label: s.label, color: s.color, value: row[s.key] }));

/** Share of the input side served from the cache: reads / (reads + fresh input + cache writes). */
export function cacheHitRatio(row: UsageRow): number | null {
  const inputSide = row.cacheReadTokens + row.inputTokens + row.cacheWrite5mTokens + row.cacheWrite1hTokens;
  return inputSide ? row.cacheReadTokens / inputSide : null;
}

export const hasUsage = (row: UsageRow) => row.requests > 0 || row.totalTokens > 0;
