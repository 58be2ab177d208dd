import pLimit from "p-limit";
import {
  parseSessionFiles,
  scanHistory,
  transcriptFileLabel,
  type HistorySession,
  type ParsedSession,
} from "@stratavore/runner";
import { IMPORT_SKIPPED_EXAMPLES } from "@stratavore/contracts";
import { ImportBatcher, type ImportSession } from "./import-batches.ts";
import type { ImportState } from "./import-state.ts";

export interface ImportProgress {
  sessionsDone: number;
  sessionsTotal: number;
  records: number;
}

export interface ImportSummary {
  dir: string;
  dryRun: boolean;
  sessions: number;
  /** Usage records found in the transcripts (one per API response). */
  records: number;
  /** Of those, how many the server inserted or grew; 0 when everything was imported before. */
  recordsChanged: number;
  projectsCreated: string[];
  malformedLines: number;
  /** Transcript files sent to the server's archive (searchable, resumable there). */
  transcriptsArchived: number;
  /** Sessions with nothing new since the last import (not read, sent or uploaded again). */
  sessionsUnchanged: number;
  /** Bytes of transcript read. */
  bytesRead: number;
  /** Sessions per working directory (null: none recorded), most first: the project each joins or makes. */
  byCwd: Array<{ cwd: string | null; sessions: number }>;
  /** `.jsonl` files not read: not Claude Code transcripts by name (copies, backups) or content; their spend is not counted. */
  skippedFiles: number;
  /** The first few of them. */
  skippedExamples: string[];
}

export interface ImportOptions {
  dir: string;
  /** Sends one call's sessions; absent for a dry run. */
  send?: (sessions: ImportSession[]) => Promise<{ recordsChanged: number; projectsCreated: string[] }>;
  onProgress?: (p: ImportProgress) => void;
  /** Sends one transcript file (`file` "" = the main one, else the sub-agent file's name) from byte `from` on, for the archive. */
  upload?: (sessionId: string, file: string, path: string, from: number) => Promise<void>;
  /** Where earlier imports stopped in each file; without it every file is read whole. */
  state?: ImportState;
  /** Parses a session (a ParsePool's, in worker threads); parseSessionFiles in this thread by default. */
  parse?: (files: readonly string[], sessionId: string, from: readonly number[]) => Promise<ParsedSession>;
  /** Sessions prepared (parsed) ahead of the one being sent: a pool's size + 1. */
  parallel?: number;
  /** Which of these sessions the server has: one it lacks is read whole whatever the state says. */
  known?: (sessionIds: string[]) => Promise<string[]>;
}

type Span = { start: number; size: number } | null;
const KNOWN_PER_CALL = 100;
/**
 * Transcript files in flight at once: the server parses one while PostgreSQL stores another.
 * A third was no faster on 2 cores (docs/PERFORMANCE.md, "Parsing and import").
 */
const UPLOADS_AT_ONCE = 2;

/**
 * Where each session's files start: from the state, except for sessions the server does not
 * have (its database was replaced, or the session deleted there), which are read whole.
 */
async function resumePoints(
  found: HistorySession[],
  state: ImportState | undefined,
  known: ImportOptions["known"],
): Promise<Map<HistorySession, Span[]>> {
  const points = new Map<HistorySession, Span[]>();
  if (!state) return points;
  for (const h of found) points.set(h, await Promise.all(h.files.map((f) => state.startOf(f))));
  const resumed = found.filter((h) => points.get(h)?.some((sp) => sp && sp.start > 0));
  const there = new Set<string>();
  // 100 ids a call: the question is a query, its ids travel in the URL (8,000 characters at most).
  for (let i = 0; known && i < resumed.length; i += KNOWN_PER_CALL)
    for (const id of await known(resumed.slice(i, i + KNOWN_PER_CALL).map((h) => h.sessionId))) there.add(id);
  for (const h of resumed)
    if (!there.has(h.sessionId))
      points.set(
        h,
        h.files.map((f, i) => ({ start: 0, size: points.get(h)?.[i]?.size ?? 0 })),
      );
  return points;
}

/** Normalised so the server's datetime check never rejects a whole call over one odd timestamp. */
const isoOrNull = (at: string | null) => {
  const ms = at ? Date.parse(at) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
};

/** Scans `dir` (Claude Code's projects folder), parses each session and sends them in batches. */
export async function importHistory({
  dir,
  send,
  onProgress,
  upload,
  state,
  parse,
  parallel = 1,
  known,
}: ImportOptions): Promise<ImportSummary> {
  const found: HistorySession[] = [];
  const skipped: string[] = [];
  for await (const s of scanHistory(dir, (path) => skipped.push(path))) found.push(s);
  const summary: ImportSummary = {
    dir,
    dryRun: !send,
    sessions: found.length,
    records: 0,
    recordsChanged: 0,
    projectsCreated: [],
    malformedLines: 0,
    transcriptsArchived: 0,
    sessionsUnchanged: 0,
    bytesRead: 0,
    byCwd: sessionsByCwd(found),
    skippedFiles: skipped.length,
    skippedExamples: skipped.slice(0, IMPORT_SKIPPED_EXAMPLES),
  };
  const batcher = new ImportBatcher();
  /** Per session read: each file's start and the end of its last complete line. */
  const read: Array<{ h: HistorySession; files: Array<{ path: string; start: number; end: number }> }> = [];
  // A session's transcript files go to the archive as soon as usage calls have sent all of the
  // session's records, while later sessions are still being parsed and sent.
  const limit = pLimit(UPLOADS_AT_ONCE);
  const uploads: Array<Promise<{ path: string; end: number }>> = [];
  /** Files archived so far, in the order they finished: recorded in the state even if the import then fails. */
  const archived: Array<{ path: string; end: number }> = [];
  const created = new Set<string>();
  let queued = 0;
  /** The first upload that failed: nothing more is queued, and the import stops at its next call. */
  let uploadFailed: { error: unknown } | null = null;
  const queueUploads = () => {
    if (uploadFailed) throw uploadFailed.error;
    for (let r = read[queued]; upload && r && created.has(r.h.sessionId); r = read[++queued]) {
      const { h, files } = r;
      const uploadOne = (f: (typeof files)[number]) =>
        limit(async () => {
          try {
            await upload(h.sessionId, transcriptFileLabel(f.path, h.sessionId), f.path, f.start);
          } catch (error) {
            // The first failure stops the rest, cleared here: p-limit starts the next queued
            // upload before a handler on `p` would run. Thrown at the next usage call, or awaited below.
            uploadFailed ??= { error };
            limit.clearQueue();
            throw error;
          }
          archived.push(f);
          return f;
        });
      // The main transcript before its sub-agents' files: the archive keeps a line's first copy,
      // and a sub-agent file repeating main lines must not take them from the main transcript.
      const isMain = (f: (typeof files)[number]) => transcriptFileLabel(f.path, h.sessionId) === "";
      const mains = files.filter(isMain).map(uploadOne);
      const rest = files.filter((f) => !isMain(f)).map((f) => Promise.all(mains).then(() => uploadOne(f)));
      for (const p of [...mains, ...rest]) {
        p.catch(() => undefined); // reported when awaited, not as unhandled
        uploads.push(p);
      }
    }
  };
  const flush = async (batch: ImportSession[] | null) => {
    if (!batch || !send) return;
    const result = await send(batch);
    summary.recordsChanged += result.recordsChanged;
    summary.projectsCreated.push(...result.projectsCreated);
    // Whole once its last part is sent: its files count as imported only then.
    for (const s of batch) if (!batcher.holds(s.sessionId)) created.add(s.sessionId);
    queueUploads();
  };

  try {
    let done = 0;
    onProgress?.({ sessionsDone: 0, sessionsTotal: found.length, records: 0 });
    // Where each file starts, then the parse (in a worker when there is a pool), a few sessions
    // ahead of the one being sent, so the parsers are busy while this thread talks to the server.
    const resumeFrom = await resumePoints(found, state, known);
    const prepare = async (h: HistorySession) => {
      const spans = resumeFrom.get(h) ?? h.files.map(() => null);
      if (spans.every((sp) => sp && sp.start === sp.size)) return { h, spans, from: [], parsed: null };
      const from = spans.map((sp) => sp?.start ?? 0);
      return { h, spans, from, parsed: await (parse ?? parseSessionFiles)(h.files, h.sessionId, from) };
    };
    const ahead: Array<ReturnType<typeof prepare>> = [];
    let next = 0;
    const fill = () => {
      for (; next < found.length && ahead.length < Math.max(1, parallel); next++) {
        const p = prepare(found[next] as HistorySession);
        p.catch(() => undefined); // rejected before its turn: reported when awaited, not as unhandled
        ahead.push(p);
      }
    };
    for (fill(); ahead.length; fill()) {
      const { h, spans, from, parsed } = await (ahead.shift() as ReturnType<typeof prepare>);
      if (!parsed) {
        summary.sessionsUnchanged += 1;
        onProgress?.({ sessionsDone: ++done, sessionsTotal: found.length, records: summary.records });
        continue;
      }
      summary.records += parsed.records.length;
      summary.malformedLines += parsed.malformed;
      const files = h.files.map((path, i) => ({ path, start: from[i] ?? 0, end: parsed.tailState.files[path] ?? 0 }));
      summary.bytesRead += files.reduce((n, f, i) => n + Math.max(0, (spans[i]?.size ?? f.end) - f.start), 0);
      // Read from the middle, the first prompt and the message count are not this read's to say.
      const partial = (from[0] ?? 0) > 0;
      const session = {
        sessionId: h.sessionId,
        cwd: h.cwd,
        title: partial ? null : parsed.title,
        firstAt: isoOrNull(parsed.firstAt),
        lastAt: isoOrNull(parsed.lastAt),
        messageCount: partial ? 0 : parsed.messageCount,
        records: parsed.records,
      };
      read.push({ h, files });
      for (const batch of batcher.add(session)) await flush(batch);
      onProgress?.({ sessionsDone: ++done, sessionsTotal: found.length, records: summary.records });
    }
    await flush(batcher.flush());
    // Every session's usage is on the server now; the first failed upload, if any, is thrown here.
    for (const p of uploads) await p;
  } finally {
    // A file counts as imported (state) once its session's usage is on the server (uploads
    // start only then) and it is archived — also when the import fails later: the next run
    // carries on after it instead of sending it again.
    // One that cannot be recorded (deleted meanwhile) is sent again next time; the import's own
    // error, if any, is the one reported.
    for (const f of archived) await state?.done(f.path, f.end).catch(() => undefined);
    summary.transcriptsArchived = archived.length;
  }
  return summary;
}

function sessionsByCwd(found: readonly HistorySession[]): ImportSummary["byCwd"] {
  const count = new Map<string | null, number>();
  for (const s of found) count.set(s.cwd, (count.get(s.cwd) ?? 0) + 1);
  return [...count]
    .map(([cwd, sessions]) => ({ cwd, sessions }))
    .sort(
      (a, b) =>
        b.sessions - a.sessions ||
        Number(a.cwd === null) - Number(b.cwd === null) ||
        (a.cwd ?? "").localeCompare(b.cwd ?? ""),
    );
}
