/** Plain-text rendering for people; --json output never goes through here. */

/**
 * Columns padded to their widest cell; the last column is not padded (no trailing spaces).
 * Columns listed in `right` (numbers) are aligned to the right.
 */
export function table(header: string[], rows: string[][], right: readonly number[] = []): string {
  // One row per line: a newline in a cell (a project path, a title) would forge a row of its own.
  const all = [header, ...rows.map((r) => r.map((cell) => cell.replace(/\r?\n|\r/g, "\u2424")))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const pad = (cell: string, i: number, last: boolean) =>
    right.includes(i) ? cell.padStart(widths[i] ?? 0) : last ? cell : cell.padEnd(widths[i] ?? 0);
  return all
    .map((r) =>
      r
        .map((cell, i) => pad(cell, i, i === r.length - 1))
        .join("  ")
        .trimEnd(),
    )
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

/** The audit event a delivery carried, as `stratavore events` numbers it; seq 0 is a channel test. */
export const formatEventSeq = (seq: number | bigint): string => (Number(seq) === 0 ? "test" : `#${seq}`);

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

export function formatUsd(n: number): string {
  return `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 4 : 2)}`;
}

export const formatList = (items: string[]) => (items.length ? items.join(", ") : "-");

/** IEC units, as `ps` and `top` use: 512 B, 1.5 KiB, 230.4 MiB. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatPercent(n: number | null | undefined): string {
  return n === null || n === undefined ? "-" : `${n.toFixed(1)}%`;
}

/** Two units at most (45s, 12m 03s, 3h 04m, 2d 03h): enough to compare runners at a glance. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${pad(Math.floor((s % 86_400) / 3600))}h`;
}

/** Free text (prompts, reasons) on one line and bounded, so tables and fields stay aligned. */
export function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Token counts at a glance: 950, 4.5k, 12.3M, 1.2B. */
export function formatCompact(n: number): string {
  const units: [number, string][] = [
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [size, suffix] of units) {
    // 999,950 rounds to "1000.0k"; it reads better as the next unit up.
    if (Math.abs(n) >= size * 0.99995) return `${(n / size).toFixed(1).replace(/\.0$/, "")}${suffix}`;
  }
  return String(Math.round(n));
}
