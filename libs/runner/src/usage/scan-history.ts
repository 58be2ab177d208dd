import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { boundedTimestamp, projectPathSchema, type UsageRecordInput } from "@stratavore/contracts";
import { isSessionId } from "../base/claude-args.ts";
import { readFileLineBatches } from "./line-splitter.ts";
import { firstField, firstSessionId, LEGACY_AGENT_FILE } from "./legacy-subagents.ts";
import { parseUsageEntry } from "./parse-line.ts";
import { subagentTree } from "./subagent-tree.ts";

export { transcriptFileLabel } from "./subagent-tree.ts";
import type { TranscriptTailerState } from "./transcript-tailer.ts";
import { UsageBatch } from "./usage-batch.ts";

export interface HistorySession {
  /** The project folder's name: the cwd encoded by Claude Code (not reversible). */
  projectDir: string;
  sessionId: string;
  /** From the first entry that names one; the folder name cannot be decoded back. */
  cwd: string | null;
  /**
   * `<session>.jsonl` first when it exists, then the `<session>/subagents/` tree, then sub-agent
   * files of the layout before Claude Code 2.1.2 (`agent-*.jsonl` beside the sessions, naming
   * their session inside). Which one is the main transcript goes by name (transcriptFileLabel).
   */
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
 * Every session in `<projectsDir>/<encoded cwd>/`, for importing history that predates the
 * agent: each `<uuid>.jsonl` with its sub-agents' files, and sessions known only from sub-agent
 * files (their main transcript deleted), whose spend is real all the same. Sorted by folder
 * then session id, so an interrupted import that starts over meets the sessions in the same order.
 */
export async function* scanHistory(
  projectsDir: string,
  /**
   * Told of each `.jsonl` file the import does not read: not named `<session uuid>.jsonl`, not
   * a sub-agent file, or in a folder Claude Code does not write (a copy, a `backup/`). Their
   * spend is not counted (ccusage reads every `.jsonl`), so the import says so.
   */
  onSkipped: (path: string) => void = () => {},
): AsyncGenerator<HistorySession> {
  const folders: ProjectFolder[] = [];
  for (const name of await jsonlFileNames(projectsDir)) onSkipped(join(projectsDir, name));
  for (const projectDir of await dirNames(projectsDir))
    folders.push(await listFolder(projectsDir, projectDir, onSkipped));
  // A pre-2.1.2 sub-agent file names its session inside, and that session's own file can sit in
  // another project folder: its spend goes with the session, which is then found once, not twice.
  const home = new Map<string, ProjectFolder>();
  for (const f of folders) for (const id of [...f.mains, ...f.subagents.keys()]) if (!home.has(id)) home.set(id, f);
  for (const f of folders)
    for (const [sessionId, paths] of f.legacy) {
      const owner = home.get(sessionId) ?? f;
      home.set(sessionId, owner);
      owner.legacyHere.set(sessionId, [...(owner.legacyHere.get(sessionId) ?? []), ...paths]);
    }
  for (const f of folders) {
    for (const sessionId of [...new Set([...f.mains, ...f.subagents.keys(), ...f.legacyHere.keys()])].sort()) {
      const files = [
        ...(f.mains.has(sessionId) ? [join(f.dir, `${sessionId}.jsonl`)] : []),
        ...(f.subagents.get(sessionId) ?? []),
        ...(f.legacyHere.get(sessionId) ?? []),
      ];
      yield { projectDir: f.projectDir, sessionId, cwd: await firstCwd(files), files };
    }
  }
}

/** What one project folder holds, by session. */
interface ProjectFolder {
  projectDir: string;
  dir: string;
  /** Sessions with a `<session>.jsonl` here. */
  mains: Set<string>;
  /** Files of the `<session>/subagents/` tree, by session. */
  subagents: Map<string, string[]>;
  /** Pre-2.1.2 `agent-*.jsonl` in this folder, by the session they name. */
  legacy: Map<string, string[]>;
  /** Pre-2.1.2 files of this folder's sessions, wherever they lie (filled by scanHistory). */
  legacyHere: Map<string, string[]>;
}

async function listFolder(
  projectsDir: string,
  projectDir: string,
  onSkipped: (path: string) => void,
): Promise<ProjectFolder> {
  const dir = join(projectsDir, projectDir);
  const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of [...names].sort(byName)) {
    if (e.isFile() && e.name.endsWith(".jsonl") && !isSessionId(e.name.slice(0, -6)) && !LEGACY_AGENT_FILE.test(e.name))
      onSkipped(join(dir, e.name));
    // One level into a folder that is not a session's: where a copy or a backup usually lies.
    else if (e.isDirectory() && !isSessionId(e.name))
      for (const name of await jsonlFileNames(join(dir, e.name))) onSkipped(join(dir, e.name, name));
  }
  const mains = new Set(
    names
      .filter((e) => e.isFile() && e.name.endsWith(".jsonl") && isSessionId(e.name.slice(0, -6)))
      .map((e) => e.name.slice(0, -6)),
  );
  const subagents = new Map<string, string[]>();
  for (const e of names.filter((e) => e.isDirectory() && isSessionId(e.name))) {
    const files = await subagentTree(join(dir, e.name, "subagents")).catch(() => []);
    if (files.length) subagents.set(e.name, files);
  }
  // Before 2.1.2, Claude Code wrote a sub-agent's transcript beside the sessions, as
  // agent-<id>.jsonl, its lines naming the session that started it.
  const legacy = new Map<string, string[]>();
  for (const e of names.filter((e) => e.isFile() && LEGACY_AGENT_FILE.test(e.name)).sort(byName)) {
    const path = join(dir, e.name);
    const sessionId = await firstSessionId(path);
    if (sessionId) legacy.set(sessionId, [...(legacy.get(sessionId) ?? []), path]);
    else onSkipped(path);
  }
  return { projectDir, dir, mains, subagents, legacy, legacyHere: new Map() };
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The `.jsonl` files directly in `dir`, sorted; none when it cannot be read. */
async function jsonlFileNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".jsonl"))
    .map((e) => e.name)
    .sort();
}

async function dirNames(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/** The first lines are often summaries and snapshots without a cwd; stops at the first file's first line that has one. */
async function firstCwd(files: readonly string[]): Promise<string | null> {
  for (const path of files) {
    const cwd = await firstField(path, CWD_MARK, cwdOf);
    if (cwd !== undefined) return cwd;
  }
  return null;
}

const CWD_MARK = Buffer.from('"cwd"');

/** undefined: the line names no cwd after all (the mark was inside a value). */
function cwdOf(line: string): string | null | undefined {
  const entry = parseObject(line);
  if (!entry || typeof entry.cwd !== "string" || entry.cwd === "") return undefined;
  // Only an absolute path can name a project; "../../etc" is not one, and "/a//b/" is "/a/b".
  const cwd = projectPathSchema.safeParse(entry.cwd);
  return cwd.success ? cwd.data : null;
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
