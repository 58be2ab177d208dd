/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180); formulas defused. */
function field(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = v instanceof Date ? v.toISOString() : String(v);
  // A spreadsheet runs a cell starting with = + - @ as a formula: text from transcripts or
  // prompts must not (CSV injection). Numbers are left alone.
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document: a header line, then one line per row, CRLF line ends. */
export function toCsv<T>(columns: [header: string, value: (row: T) => unknown][], rows: readonly T[]): string {
  const lines = [columns.map(([h]) => field(h)).join(",")];
  for (const r of rows) lines.push(columns.map(([, get]) => field(get(r))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
