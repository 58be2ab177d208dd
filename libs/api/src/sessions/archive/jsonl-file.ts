/**
 * Archived lines back into a JSONL file: the text, and — when any line was kept as bytes
 * because its text is not exact (invalid UTF-8, NUL, a CR, too long) — the exact bytes, which
 * are then the file and the text only a readable rendering of it.
 */
export function jsonlFile(lines: { rawLine: string; exact: Buffer | null }[]): { text: string; bytes: Buffer | null } {
  const text = lines.length ? `${lines.map((l) => l.rawLine).join("\n")}\n` : "";
  if (!lines.some((l) => l.exact)) return { text, bytes: null };
  const nl = Buffer.from("\n");
  return { text, bytes: Buffer.concat(lines.flatMap((l) => [l.exact ?? Buffer.from(l.rawLine, "utf8"), nl])) };
}
