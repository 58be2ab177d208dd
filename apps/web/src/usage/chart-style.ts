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

/**
 * Dollar axis ticks: "$0", "$0.05", "$0.0015", "$1.6", "$12.5", "$1.5k". The axis's steps are
 * round numbers, so four significant digits show each exactly: rounding to a fixed number of
 * decimals printed "$0.00" twice on an axis of tenths of a cent, and "$2" for 1.6 and 2.4.
 */
export function formatUsdTick(value: number): string {
  if (value === 0) return "$0";
  if (value >= 1000) return `$${Number((value / 1000).toPrecision(4))}k`;
  const exact = Number(value.toPrecision(4));
  // String() switches to exponents below 1e-6; such an axis still reads as decimals.
  let text = exact < 1e-6 ? exact.toFixed(10).replace(/0+$/, "") : String(exact);
  // Cents keep two digits: "$0.80", not "$0.8".
  if (exact < 1 && /\.\d$/.test(text)) text += "0";
  return `$${text}`;
}
