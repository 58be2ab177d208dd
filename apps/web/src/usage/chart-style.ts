/** Shared recharts styling: small readable ticks, light grid, tooltips that match the app. */
export const AXIS_TICK = { fontSize: 12, fill: "var(--muted)" };
export const GRID_STROKE = "var(--border)";
export const TOOLTIP_STYLE = {
  borderRadius: 8,
  border: "1px solid var(--border)",
  fontSize: 13,
  background: "var(--panel)",
  color: "var(--text)",
};
export const CHART_MARGIN = { top: 8, right: 8, bottom: 0, left: 0 };

/** Dollar axis ticks: "$0", "$0.05", "$12", "$1.2k". */
export function formatUsdTick(value: number): string {
  if (value === 0) return "$0";
  if (value < 1) return `$${value.toFixed(2)}`;
  // One decimal under $10: rounding 1.6 and 2.4 both to "$2" printed the same tick twice.
  if (value < 10) return `$${Number(value.toFixed(1))}`;
  if (value < 1000) return `$${Math.round(value)}`;
  return `$${(value / 1000).toFixed(1)}k`;
}
