/** Formatting shared by tables and tiles; locale-stable so tests can read it. */
export function formatRelative(date: Date | string | null | undefined, now = Date.now()): string {
  if (!date) return "never";
  const ms = now - new Date(date).getTime();
  const s = Math.round(ms / 1000);
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

/** Dollars: cents below $100, whole dollars above, and "<$0.01" rather than a misleading $0.00. */
export function formatUsd(value: number): string {
  if (value > 0 && value < 0.01) return "<$0.01";
  if (value >= 1000) return `$${Math.round(value).toLocaleString("en-US")}`;
  return `$${value.toFixed(value >= 100 ? 0 : 2)}`;
}

/**
 * A price per million tokens as the price table states it: cents always, more digits only
 * where the price has them ($0.30, $3.75, $0.125), never float noise ($0.30000000000000004).
 */
export function formatPrice(usdPerMillion: number): string {
  return usdPerMillion.toLocaleString("en-US", {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  });
}

export function formatTokens(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(1)}B`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value));
}

/** An exact count with thousands separators, for tooltips and tables. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/**
 * Dollars with the tokens no price covers beside them ("$1.20 +3.4k unpriced"). Unpriced usage
 * has no dollar figure, so it is never shown as $0: all-unpriced usage reads "+3.4k unpriced".
 * A figure that includes estimated prices (a model the table lacks, priced at its family's
 * newest price) reads "~$1.20" (DESIGN §3 rule 4).
 */
export function formatCost(usd: number | null, unpricedTokens = 0, estimatedUsd = 0): string {
  const { dollars, unpriced } = costParts(usd, unpricedTokens, estimatedUsd);
  return [dollars, unpriced].filter(Boolean).join(" ");
}

/** formatCost's two halves, for layouts that set them apart (a tile's large and small lines). */
export function costParts(
  usd: number | null,
  unpricedTokens = 0,
  estimatedUsd = 0,
): { dollars: string | null; unpriced: string | null } {
  const dollars = `${estimatedUsd > 0 ? "~" : ""}${formatUsd(usd ?? 0)}`;
  if (unpricedTokens <= 0) return { dollars, unpriced: null };
  const unpriced = `+${formatTokens(unpricedTokens)} unpriced`;
  return { dollars: usd ? dollars : null, unpriced };
}

/** Why a cost figure is marked, for a tooltip; null when it is exact. */
export function costCaveat(unpricedTokens = 0, estimatedUsd = 0): string | null {
  const parts: string[] = [];
  if (estimatedUsd > 0)
    parts.push(
      `~ estimated: ${formatUsd(estimatedUsd)} is for models without an exact price, priced at their family's newest price until an admin sets one (Settings → Pricing)`,
    );
  if (unpricedTokens > 0)
    parts.push(`${formatCount(unpricedTokens)} tokens of models with no known price have no dollar figure`);
  return parts.length ? parts.join("; ") : null;
}

/** A 0..1 ratio as a percentage; null (nothing to divide) as a dash. */
export function formatRatio(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? "—" : formatPercent(ratio * 100);
}

export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value >= 1024 ** 3) return `${(value / 1024 ** 3).toFixed(1)} GiB`;
  if (value >= 1024 ** 2) return `${(value / 1024 ** 2).toFixed(0)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(0)} KiB`;
  return `${value} B`;
}

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${value.toFixed(value >= 10 ? 0 : 1)}%`;
}

/** Elapsed time as "45s", "12m 03s", "3h 07m", "2d 4h": precise while short, compact when long. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
