import { readContentBlocks, type ContentBlock, type Session, type SessionCostCheck } from "@stratavore/contracts";
import { fields, formatCompact, formatCount, formatDate, formatUsd, oneLine, table } from "./output.ts";
import { formatCost } from "./usage-view.ts";
import { shortId } from "./runner-ref.ts";

/** One archived transcript line as `sessions.entries` returns it. */
export interface TranscriptLine {
  id: string;
  type: string;
  role: string | null;
  text: string;
  toolNames: string[];
  isSidechain: boolean;
  timestamp: Date | null;
  file: string;
  raw: unknown;
}

/** Bold on a terminal; plain (or bracketed, for search matches) when piped. */
export interface Style {
  tty: boolean;
}

const bold = (s: string, { tty }: Style) => (tty ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s: string, { tty }: Style) => (tty ? `\x1b[2m${s}\x1b[22m` : s);
const dash = (v: string | null | undefined) => (v ? v : "-");

/** ts_headline marks matches with <mark>…</mark>: bold on a terminal, [brackets] otherwise. */
export function highlight(snippet: string, style: Style): string {
  const flat = snippet.replace(/\s+/g, " ").trim();
  return flat.replace(/<mark>([\s\S]*?)<\/mark>/g, (_, word: string) => (style.tty ? bold(word, style) : `[${word}]`));
}

/** The list; with a search, each session's best match is printed under its row. */
export function sessionTable(
  sessions: Session[],
  snippets: Map<string, string> = new Map(),
  style: Style = { tty: false },
): string {
  const lines = table(
    ["ID", "TITLE", "PROJECT", "MESSAGES", "TOKENS", "COST", "LAST MESSAGE"],
    sessions.map((s) => [
      shortId(s.id),
      s.title ? oneLine(s.title, 50) : "-",
      dash(s.projectName),
      formatCount(s.messageCount),
      formatCompact(s.totalTokens),
      formatCost(s.costUsd, s.unpricedTokens, s.estimatedCostUsd),
      formatDate(s.lastMessageAt),
    ]),
    [3, 4, 5],
  ).split("\n");
  if (!snippets.size) return lines.join("\n");
  const [header = "", ...rows] = lines;
  return [
    header,
    ...rows.flatMap((row, i) => {
      const snippet = snippets.get(sessions[i]?.id ?? "");
      return snippet ? [row, `    ${highlight(snippet, style)}`] : [row];
    }),
  ].join("\n");
}

export function similarTable(similar: { session: Session; score: number }[]): string {
  return table(
    ["ID", "SCORE", "TITLE", "PROJECT", "MESSAGES", "LAST MESSAGE"],
    similar.map(({ session: s, score }) => [
      shortId(s.id),
      score.toFixed(3),
      s.title ? oneLine(s.title, 50) : "-",
      dash(s.projectName),
      formatCount(s.messageCount),
      formatDate(s.lastMessageAt),
    ]),
    [1, 4],
  );
}

export function sessionHeader(s: Session): string {
  const pairs: [string, string][] = [
    ["Session", s.id],
    ["Title", s.title ? oneLine(s.title, 100) : "-"],
    ["Project", dash(s.projectName)],
    ["Directory", dash(s.cwd)],
    ["Messages", `${formatCount(s.messageCount)} (${formatCount(s.entryCount)} lines archived)`],
    ["Tokens", formatCount(s.totalTokens)],
    [
      "Cost",
      formatCost(s.costUsd, s.unpricedTokens, s.estimatedCostUsd) +
        (s.estimatedCostUsd > 0
          ? " (~ estimated: models without an exact price, priced at their family's newest)"
          : ""),
    ],
    ["First message", formatDate(s.firstMessageAt)],
    ["Last message", formatDate(s.lastMessageAt)],
    ["Active runners", String(s.activeRunners)],
    ["Resumable", s.resumable ? "yes" : "no"],
  ];
  if (s.resumedFromId) pairs.push(["Resumed from", s.resumedFromId]);
  if (s.forkedFromId) pairs.push(["Forked from", s.forkedFromId]);
  return fields(pairs);
}

type RawLine = {
  type?: string;
  subtype?: string;
  content?: unknown;
  summary?: string;
  isMeta?: boolean;
  isCompactSummary?: boolean;
  message?: { role?: string; model?: string; content?: unknown };
};

/** The argument that says what a tool call does, when the input has one. */
const TELLING_KEYS = [
  "command",
  "file_path",
  "path",
  "pattern",
  "url",
  "query",
  "description",
  "prompt",
  "notebook_path",
  "skill",
];
const RESULT_LINES = 8;
const WIDE = 200;

export function toolCall(name: string, input: unknown): string {
  let args = "";
  if (input && typeof input === "object" && !Array.isArray(input)) {
    const obj = input as Record<string, unknown>;
    const key = TELLING_KEYS.find((k) => typeof obj[k] === "string");
    args = key ? oneLine(obj[key] as string, 80) : Object.keys(obj).length ? oneLine(JSON.stringify(obj), 80) : "";
  } else if (input !== undefined && input !== null) {
    args = oneLine(JSON.stringify(input), 80);
  }
  return `⚙ ${name}(${args})`;
}

/** Long text stays readable: the first lines, each cut at a sane width, and how much was left out. */
function clipped(text: string, maxLines: number): string[] {
  const lines = text.replace(/\s+$/, "").split("\n");
  const shown = lines.slice(0, maxLines).map((l) => (l.length > WIDE ? `${l.slice(0, WIDE - 1)}…` : l));
  return lines.length > maxLines ? [...shown, `… (${formatCount(lines.length - maxLines)} more lines)`] : shown;
}

function blockLines(b: ContentBlock, style: Style): string[] {
  if (b.kind === "text") return b.text.replace(/\s+$/, "").split("\n");
  if (b.kind === "thinking") return [dim(`✻ thinking: ${oneLine(b.text, 100)}`, style)];
  if (b.kind === "tool_use") return [toolCall(b.name, b.input)];
  if (b.kind === "tool_result") {
    const [first = "", ...rest] = clipped(b.text, RESULT_LINES);
    return [`${b.isError ? "✗ error: " : "↳ "}${first}`, ...rest.map((l) => `  ${l}`)];
  }
  return ["[image]"];
}

/** Who speaks: a user line that only carries tool results is the tool talking. */
function speaker(line: RawLine, e: TranscriptLine): string {
  const blocks = readContentBlocks(line.message?.content);
  if (blocks.length && blocks.every((b) => b.kind === "tool_result")) return "tool";
  if (line.type === "summary" || line.isCompactSummary) return "summary";
  return line.message?.role ?? e.role ?? line.type ?? e.type;
}

function entryBody(line: RawLine, e: TranscriptLine, style: Style): string[] | null {
  if (line.isMeta) return null;
  if (line.type === "summary") return [line.summary ?? e.text];
  if (line.message) {
    // Nothing readable in the blocks: the archive's extracted text, as the web viewer does.
    const lines = readContentBlocks(line.message.content).flatMap((b) => blockLines(b, style));
    return lines.length ? lines : e.text ? clipped(e.text, RESULT_LINES * 2) : null;
  }
  if (line.type === "system")
    return clipped(typeof line.content === "string" ? line.content : e.text, RESULT_LINES * 2);
  // Bookkeeping lines (file-history snapshots, queue operations…) carry nothing to read.
  return null;
}

/** The transcript as people read it: who, when, then what was said, done or returned. */
export function renderTranscript(entries: TranscriptLine[], style: Style = { tty: false }): string {
  const out: string[] = [];
  for (const e of entries) {
    const line: RawLine = e.raw && typeof e.raw === "object" ? (e.raw as RawLine) : { type: e.type };
    const body = e.raw ? entryBody(line, e, style) : e.text ? e.text.split("\n") : null;
    if (!body || !body.some((l) => l.trim())) continue;
    const who = speaker(line, e);
    const model = who === "assistant" && line.message?.model ? ` (${line.message.model})` : "";
    const where = e.file ? ` · sub-agent ${e.file}` : e.isSidechain ? " · sidechain" : "";
    const when = e.timestamp ? ` · ${formatDate(e.timestamp)}` : "";
    out.push(`${bold(who, style)}${model}${dim(`${when}${where}`, style)}`, ...body.map((l) => `  ${l}`.trimEnd()), "");
  }
  return out.length ? out.join("\n") : "(no transcript archived)\n";
}

/** Our figure beside claude's own; where they differ by more than 1 %, the models that make the difference. */
export function costCheckText(c: SessionCostCheck): string {
  const pct =
    c.differencePercent === null ? "" : ` (${c.differencePercent >= 0 ? "+" : ""}${c.differencePercent.toFixed(1)} %)`;
  if (c.stale)
    return `Claude's own cost: ${formatUsd(c.claudeUsd)}, written before the latest responses (claude updates it when it leaves the session or exits); ours ${formatUsd(c.oursUsd)}`;
  const head = `Claude's own cost: ${formatUsd(c.claudeUsd)}; ours ${formatUsd(c.oursUsd)}${pct}${c.differs ? "" : " — they agree"}`;
  if (!c.differs) return head;
  const rows = c.models
    .filter((m) => Math.abs((m.oursUsd ?? 0) - m.claudeUsd) > 0.000_05)
    .map(
      (m) =>
        `  ${m.model}: claude ${formatUsd(m.claudeUsd)}, ours ${m.oursUsd === null ? "unpriced" : formatUsd(m.oursUsd)}${m.estimated ? " (our price is estimated)" : ""}${m.claudeTokens !== m.oursTokens ? `; tokens ${formatCount(m.claudeTokens)} vs ${formatCount(m.oursTokens)}` : ""}`,
    );
  return [head, ...rows, ...(c.claudeMissedPrices ? ["  claude reported a model it has no price for"] : [])].join("\n");
}
