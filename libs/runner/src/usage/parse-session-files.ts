import { boundedTimestamp, type UsageRecordInput } from "@stratavore/contracts";
import { readFileLineBatches } from "./line-splitter.ts";
import { parseUsageEntry } from "./parse-line.ts";
import type { TranscriptTailerState } from "./transcript-tailer.ts";
import { UsageBatch } from "./usage-batch.ts";

export interface ParsedSession {
  records: UsageRecordInput[];
  malformed: number;
  /** Earliest and latest timestamps of user and assistant entries, as written. */
  firstAt: string | null;
  lastAt: string | null;
  messageCount: number;
  title: string | null;
  /** Offsets after each file's last complete line: a TranscriptTailer started from here reads none of it again. */
  tailState: TranscriptTailerState;
}

const TITLE_MAX = 200;
const USER_MARK = '"type":"user"';
const ASSISTANT_MARK = '"type":"assistant"';

/**
 * Usage and the facts a session list shows, from a session's files (sub-agent files roll up
 * to `sessionId`). Usage goes through the same parser and merge as live tailing, so an
 * imported session counts exactly what a tailed one would.
 *
 * messageCount: the main thread's messages as the API sees them — each user entry (prompts,
 * command echoes and tool results, not Claude's meta notes) and each assistant message id
 * once, however many lines it was written as. Sub-agent entries are sidechain and not counted.
 */
export async function parseSessionFiles(
  files: readonly string[],
  sessionId: string,
  /** Per file, where to start (where an earlier import stopped); the facts then cover only what follows. */
  from: readonly number[] = [],
): Promise<ParsedSession> {
  const facts = new SessionFacts(sessionId);
  const tailFiles: Record<string, number> = {};
  for (const [f, file] of files.entries()) {
    let lineNo = 0;
    const batches = readFileLineBatches(file, (complete) => (tailFiles[file] = complete), undefined, from[f] ?? 0);
    for await (const { buf, starts, ends } of batches) {
      // Where the two marks occur in this chunk, found once: a line without either is never
      // decoded (most bytes of a transcript are attachments, snapshots and tool output).
      const marks = markPositions(buf);
      let m = 0;
      for (let i = 0; i < starts.length; i++) {
        lineNo += 1;
        const [start, end] = [starts[i] ?? 0, ends[i] ?? 0];
        while ((marks[m] ?? Infinity) < start) m++;
        if ((marks[m] ?? Infinity) < end) facts.add(buf.toString("utf8", start, end), file, lineNo);
        else if (isCutShort(buf, start, end)) facts.malformed += 1;
      }
    }
  }
  return { ...facts.result(), tailState: { files: tailFiles } };
}

/** What parseSessionFiles learns from the lines that name a user or assistant entry. */
class SessionFacts {
  malformed = 0;
  private readonly batch = new UsageBatch();
  private readonly messages = new Set<string>();
  private first: { at: string; ms: number } | null = null;
  private last: { at: string; ms: number } | null = null;
  private title: string | null = null;

  constructor(private readonly sessionId: string) {}

  add(line: string, file: string, lineNo: number): void {
    const text = line.trim();
    if (text[0] !== "{" || text[text.length - 1] !== "}") return void (this.malformed += 1);
    const entry = parseObject(text);
    // As parseUsageLine: an assistant line that is not JSON is malformed; a user line is not usage.
    if (text.includes(ASSISTANT_MARK)) {
      const parsed = entry ? parseUsageEntry(entry, { sessionId: this.sessionId }) : ({ kind: "malformed" } as const);
      if (parsed.kind === "usage") this.batch.add(parsed.record);
      else if (parsed.kind === "malformed") this.malformed += 1;
    }
    if (!entry || (entry.type !== "user" && entry.type !== "assistant")) return;
    // Only times the session row can hold (a stray year 0000 would fail the whole session's import).
    const ms = typeof entry.timestamp === "string" ? Date.parse(entry.timestamp) : NaN;
    if (boundedTimestamp.safeParse(entry.timestamp).success) {
      const at = entry.timestamp as string;
      if (!this.first || ms < this.first.ms) this.first = { at, ms };
      if (!this.last || ms > this.last.ms) this.last = { at, ms };
    }
    if (entry.isSidechain === true || entry.isMeta === true) return;
    const message = isObject(entry.message) ? entry.message : null;
    if (entry.type === "assistant") {
      if (typeof message?.id === "string") this.messages.add(`a:${message.id}`);
    } else {
      this.messages.add(`u:${typeof entry.uuid === "string" ? entry.uuid : `${file}#${lineNo}`}`);
      this.title ??= promptTitle(message?.content);
    }
  }

  result(): Omit<ParsedSession, "tailState"> {
    return {
      records: this.batch.records(),
      malformed: this.malformed,
      firstAt: this.first?.at ?? null,
      lastAt: this.last?.at ?? null,
      messageCount: this.messages.size,
      title: this.title,
    };
  }
}

/**
 * What the user typed: a string, or the text blocks of a content array. Tool results and
 * slash-command echoes (`<command-name>…`, `<local-command-stdout>…`) are not prompts.
 */
function promptTitle(content: unknown): string | null {
  let raw = "";
  if (typeof content === "string") raw = content;
  else if (Array.isArray(content)) {
    raw = content
      .filter(
        (b): b is { type: "text"; text: string } => isObject(b) && b.type === "text" && typeof b.text === "string",
      )
      .map((b) => b.text)
      .join(" ");
  }
  // A title needs the start only: a 40 MB pasted prompt was collapsed and split into code points whole.
  const text = raw
    .slice(0, 64 * 1024)
    .replace(/\s+/g, " ")
    .trim();
  if (text === "" || text.startsWith("<command-") || text.startsWith("<local-command-")) return null;
  // By code point, so an emoji at the cut is not split into half a surrogate pair.
  const chars = Array.from(text);
  return chars.length > TITLE_MAX ? chars.slice(0, TITLE_MAX).join("").trimEnd() : text;
}

const MARKS = [Buffer.from(USER_MARK), Buffer.from(ASSISTANT_MARK)];

/** Sorted byte offsets of every user or assistant mark in a chunk. */
function markPositions(buf: Buffer): number[] {
  const found: number[] = [];
  for (const mark of MARKS) for (let at = buf.indexOf(mark); at !== -1; at = buf.indexOf(mark, at + 1)) found.push(at);
  return found.sort((a, b) => a - b);
}

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;

/** parseUsageLine's test, on bytes: a non-blank line not shaped `{…}` was cut short (or is not JSON). */
function isCutShort(buf: Buffer, start: number, end: number): boolean {
  let s = start;
  let e = end;
  while (s < e && isSpace(buf[s])) s++;
  while (e > s && isSpace(buf[e - 1])) e--;
  return s < e && (buf[s] !== 0x7b || buf[e - 1] !== 0x7d);
}

export function parseObject(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
