import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { projectPathSchema, type UsageRecordInput } from "@stratavore/contracts";
import { isSessionId } from "../claude-args.ts";
import { readFileLines } from "./line-splitter.ts";
import { parseUsageLine } from "./parse-line.ts";
import type { TranscriptTailerState } from "./transcript-tailer.ts";
import { UsageBatch } from "./usage-batch.ts";

export interface HistorySession {
  /** The project folder's name: the cwd encoded by Claude Code (not reversible). */
  projectDir: string;
  sessionId: string;
  /** From the first entry that names one; the folder name cannot be decoded back. */
  cwd: string | null;
  /** `<session>.jsonl` first, then `<session>/subagents/*.jsonl`. */
  files: string[];
}

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
 * Every session in `<projectsDir>/<encoded cwd>/<uuid>.jsonl`, for importing history that
 * predates the agent. Sorted by folder then session id, so an interrupted import that
 * starts over meets the sessions in the same order.
 */
export async function* scanHistory(projectsDir: string): AsyncGenerator<HistorySession> {
  for (const projectDir of await dirNames(projectsDir)) {
    const dir = join(projectsDir, projectDir);
    const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const sessionIds = names
      .filter((e) => e.isFile() && e.name.endsWith(".jsonl") && isSessionId(e.name.slice(0, -6)))
      .map((e) => e.name.slice(0, -6))
      .sort();
    for (const sessionId of sessionIds) {
      const main = join(dir, `${sessionId}.jsonl`);
      const subDir = join(dir, sessionId, "subagents");
      const subagents = (await readdir(subDir).catch(() => [] as string[])).filter((n) => n.endsWith(".jsonl")).sort();
      yield { projectDir, sessionId, cwd: await firstCwd(main), files: [main, ...subagents.map((n) => join(subDir, n))] };
    }
  }
}

async function dirNames(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/** The first lines are often summaries and snapshots without a cwd; stops at the first that has one. */
async function firstCwd(path: string): Promise<string | null> {
  for await (const line of readFileLines(path)) {
    if (!line.includes('"cwd"')) continue;
    const entry = parseObject(line);
    if (entry && typeof entry.cwd === "string" && entry.cwd !== "") {
      // Only an absolute path can name a project; "../../etc" is not one, and "/a//b/" is "/a/b".
      const cwd = projectPathSchema.safeParse(entry.cwd);
      return cwd.success ? cwd.data : null;
    }
  }
  return null;
}

/**
 * Usage and the facts a session list shows, from a session's files (sub-agent files roll up
 * to `sessionId`). Usage goes through the same parser and merge as live tailing, so an
 * imported session counts exactly what a tailed one would.
 *
 * messageCount: the main thread's messages as the API sees them — each user entry (prompts,
 * command echoes and tool results, not Claude's meta notes) and each assistant message id
 * once, however many lines it was written as. Sub-agent entries are sidechain and not counted.
 */
export async function parseSessionFiles(files: readonly string[], sessionId: string): Promise<ParsedSession> {
  const batch = new UsageBatch();
  const ctx = { sessionId };
  const messages = new Set<string>();
  const tailFiles: Record<string, number> = {};
  let malformed = 0;
  let first: { at: string; ms: number } | null = null;
  let last: { at: string; ms: number } | null = null;
  let title: string | null = null;

  for (const file of files) {
    let lineNo = 0;
    for await (const line of readFileLines(file, (complete) => (tailFiles[file] = complete))) {
      lineNo += 1;
      const parsed = parseUsageLine(line, ctx);
      if (parsed.kind === "usage") batch.add(parsed.record);
      else if (parsed.kind === "malformed") malformed += 1;

      if (!line.includes(USER_MARK) && !line.includes(ASSISTANT_MARK)) continue;
      const entry = parseObject(line);
      if (!entry || (entry.type !== "user" && entry.type !== "assistant")) continue;
      const ms = typeof entry.timestamp === "string" ? Date.parse(entry.timestamp) : NaN;
      if (Number.isFinite(ms)) {
        const at = entry.timestamp as string;
        if (!first || ms < first.ms) first = { at, ms };
        if (!last || ms > last.ms) last = { at, ms };
      }
      if (entry.isSidechain === true || entry.isMeta === true) continue;
      const message = isObject(entry.message) ? entry.message : null;
      if (entry.type === "assistant") {
        if (typeof message?.id === "string") messages.add(`a:${message.id}`);
      } else {
        messages.add(`u:${typeof entry.uuid === "string" ? entry.uuid : `${file}#${lineNo}`}`);
        title ??= promptTitle(message?.content);
      }
    }
  }
  return {
    records: batch.records(),
    malformed,
    firstAt: first?.at ?? null,
    lastAt: last?.at ?? null,
    messageCount: messages.size,
    title,
    tailState: { files: tailFiles },
  };
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
      .filter((b): b is { type: "text"; text: string } => isObject(b) && b.type === "text" && typeof b.text === "string")
      .map((b) => b.text)
      .join(" ");
  }
  const text = raw.replace(/\s+/g, " ").trim();
  if (text === "" || text.startsWith("<command-") || text.startsWith("<local-command-")) return null;
  // By code point, so an emoji at the cut is not split into half a surrogate pair.
  const chars = Array.from(text);
  return chars.length > TITLE_MAX ? chars.slice(0, TITLE_MAX).join("").trimEnd() : text;
}

function parseObject(line: string): Record<string, unknown> | null {
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
