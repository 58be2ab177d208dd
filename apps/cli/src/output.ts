/** Plain-text rendering for people; --json output never goes through here. */

/** Columns padded to their widest cell; the last column is not padded (no trailing spaces). */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ").trimEnd())
    .join("\n");
}

/** `label: value` pairs with the values aligned. */
export function fields(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`.trimEnd()).join("\n");
}

/** UTC and second precision: the same everywhere, unlike locale formats. */
export function formatDate(d: Date | null | undefined): string {
  return d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : "-";
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

export function formatUsd(n: number): string {
  return `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 4 : 2)}`;
}

export const formatList = (items: string[]) => (items.length ? items.join(", ") : "-");
