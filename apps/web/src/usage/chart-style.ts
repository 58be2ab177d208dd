/** Shared recharts styling: small readable ticks, light grid, tooltips that match the app. */
export const AXIS_TICK = { fontSize: 12, fill: "#667085" };
export const GRID_STROKE = "#e3e6eb";
export const TOOLTIP_STYLE = { borderRadius: 8, border: "1px solid #e3e6eb", fontSize: 13 };
export const CHART_MARGIN = { top: 8, right: 8, bottom: 0, left: 0 };

/** Dollar axis ticks: "$0", "$0.05", "$12", "$1.2k". */
export function formatUsdTick(value: number): string {
  if (value === 0) return "$0";
  if (value < 1) return `$${value.toFixed(2)}`;
  if (value < 1000) return `$${Math.round(value)}`;
  return `$${(value / 1000).toFixed(1)}k`;
}
