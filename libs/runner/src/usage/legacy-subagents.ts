import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { SUBAGENT_FILE_NAME } from "@stratavore/contracts";
import { isSessionId } from "../base/claude-args.ts";
import { readFileLineBatches } from "./line-splitter.ts";

/**
 * Before 2.1.2, Claude Code wrote a sub-agent's transcript beside the sessions, as
 * `agent-<id>.jsonl`, its lines naming the session that started it; since then, in
 * `<session>/subagents/`. Both hold spend of that session.
 */
export const LEGACY_AGENT_FILE = SUBAGENT_FILE_NAME;

const SESSION_MARK = Buffer.from('"sessionId"');

/** The session a pre-2.1.2 sub-agent file belongs to: the first `sessionId` its lines name. */
export async function firstSessionId(path: string): Promise<string | null> {
  const id = await firstField(path, SESSION_MARK, (line) => {
    try {
      const v: unknown = JSON.parse(line);
      const sessionId = typeof v === "object" && v !== null ? (v as { sessionId?: unknown }).sessionId : undefined;
      return typeof sessionId === "string" ? sessionId : undefined;
    } catch {
      return undefined;
    }
  });
  return id !== undefined && isSessionId(id) ? id : null;
}

/**
 * The first line holding `mark` that `read` finds a value in (undefined: none). Small reads,
 * and only lines holding the mark decoded: the answer is usually in the first few lines.
 */
export async function firstField<T>(
  path: string,
  mark: Buffer,
  read: (line: string) => T | undefined,
): Promise<T | undefined> {
  for await (const { buf, starts, ends } of readFileLineBatches(path, undefined, 64 * 1024)) {
    for (let i = 0; i < starts.length; i++) {
      const [start, end] = [starts[i] ?? 0, ends[i] ?? 0];
      const at = buf.indexOf(mark, start);
      if (at === -1) break;
      if (at >= end) continue;
      const value = read(buf.toString("utf8", start, end));
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/**
 * One listing of a project folder serves every tailer in it for `everyMs`: a pool of runners in
 * one project would otherwise each list a folder that holds a file and a folder per session ever
 * run there.
 */
const listings = new Map<string, { at: number; names: Promise<string[]> }>();

function agentFileNames(projectDir: string, now: number, everyMs: number): Promise<string[]> {
  const cached = listings.get(projectDir);
  if (cached && now - cached.at < everyMs) return cached.names;
  const names = readdir(projectDir).then(
    (all) => all.filter((n) => LEGACY_AGENT_FILE.test(n)),
    (err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT" || err.code === "ENOTDIR") return [];
      throw err;
    },
  );
  // Forgotten when it fails, so the next call tries again rather than failing for everyMs.
  names.catch(() => listings.delete(projectDir));
  if (listings.size > 1000) listings.clear(); // folders of runners long gone
  listings.set(projectDir, { at: now, names });
  return names;
}

/**
 * What is known of each pre-2.1.2 file, by path, shared by every tailer (a pool of runners in
 * one folder would otherwise each hold a copy): the session it names — a file's session never
 * changes — or, for a file passed over as old or read without naming one yet, its size then:
 * no tailer reads it again until it grows.
 */
const files = new Map<string, { owner: string } | { size: number }>();
/** Past this many files the cache starts over: a forgotten file costs one more read of its head. */
const FILES_KNOWN_MAX = 100_000;

function remember(path: string, fact: { owner: string } | { size: number }): void {
  if (files.size >= FILES_KNOWN_MAX && !files.has(path)) files.clear();
  files.set(path, fact);
}

/**
 * A live session's sub-agent files in the pre-2.1.2 layout (a runner on an older claude). The
 * project folder is listed at most every `everyMs` (the tailer polls ten times a second, and the
 * folder can hold thousands of files); each new name is read until it names its session, once —
 * a file's session never changes. Files last written before `since` are passed over unread
 * (a live session's sub-agents write while it runs; older files were counted when they were
 * written, or are an import's to read) until they grow: a resumed sub-agent appends to its file.
 */
export class LegacySubagents {
  private listedAt = -Infinity;
  private mine: string[] = [];

  constructor(
    private readonly projectDir: string,
    private readonly sessionId: string,
    private readonly since: number,
    private readonly everyMs = 2000,
  ) {}

  /** A file this session's tailer read before (its saved offset): this session's. */
  adopt(path: string): void {
    if (this.holds(path)) remember(path, { owner: this.sessionId });
  }

  /** Whether `path` is a file of this layout in this project folder (a saved tailer offset). */
  holds(path: string): boolean {
    return path.startsWith(`${this.projectDir}/`) && LEGACY_AGENT_FILE.test(path.slice(this.projectDir.length + 1));
  }

  /** This session's files; `fresh` lists the folder now (a runner's last read must miss nothing). */
  async files(now = Date.now(), fresh = false): Promise<string[]> {
    if (!fresh && now - this.listedAt < this.everyMs) return this.mine;
    this.listedAt = now;
    const mine: string[] = [];
    for (const name of await agentFileNames(this.projectDir, now, fresh ? 0 : this.everyMs)) {
      const path = join(this.projectDir, name);
      const owner = await this.ownerOf(path);
      if (owner === this.sessionId) mine.push(path);
    }
    this.mine = mine.sort();
    return this.mine;
  }

  /** The session `path` names, read at most once per size while it names none. */
  private async ownerOf(path: string): Promise<string | null> {
    const known = files.get(path);
    if (known && "owner" in known) return known.owner;
    const st = await stat(path).catch(() => null);
    if (!st || st.size === 0 || known?.size === st.size) return null;
    if (st.mtimeMs < this.since && !known) {
      remember(path, { size: st.size });
      return null;
    }
    const owner = await firstSessionId(path);
    remember(path, owner ? { owner } : { size: st.size });
    return owner;
  }
}
