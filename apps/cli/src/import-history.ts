import { basename } from "node:path";
import { parseSessionFiles, scanHistory, type HistorySession } from "@stratavore/runner";
import { ImportBatcher, type ImportSession } from "./import-batches.ts";

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
}

export interface ImportOptions {
  dir: string;
  /** Sends one call's sessions; absent for a dry run. */
  send?: (sessions: ImportSession[]) => Promise<{ recordsChanged: number; projectsCreated: string[] }>;
  onProgress?: (p: ImportProgress) => void;
  /** Sends one transcript file (`file` "" = the main one, else the sub-agent file's name) for the archive. */
  upload?: (sessionId: string, file: string, path: string) => Promise<void>;
}

/** Normalised so the server's datetime check never rejects a whole call over one odd timestamp. */
const isoOrNull = (at: string | null) => {
  const ms = at ? Date.parse(at) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
};

/** Scans `dir` (Claude Code's projects folder), parses each session and sends them in batches. */
export async function importHistory({ dir, send, onProgress, upload }: ImportOptions): Promise<ImportSummary> {
  const found: HistorySession[] = [];
  for await (const s of scanHistory(dir)) found.push(s);
  const summary: ImportSummary = {
    dir,
    dryRun: !send,
    sessions: found.length,
    records: 0,
    recordsChanged: 0,
    projectsCreated: [],
    malformedLines: 0,
    transcriptsArchived: 0,
  };
  const batcher = new ImportBatcher();
  const flush = async (batch: ImportSession[] | null) => {
    if (!batch || !send) return;
    const result = await send(batch);
    summary.recordsChanged += result.recordsChanged;
    summary.projectsCreated.push(...result.projectsCreated);
  };

  let done = 0;
  onProgress?.({ sessionsDone: 0, sessionsTotal: found.length, records: 0 });
  for (const h of found) {
    const parsed = await parseSessionFiles(h.files, h.sessionId);
    summary.records += parsed.records.length;
    summary.malformedLines += parsed.malformed;
    const session = {
      sessionId: h.sessionId,
      cwd: h.cwd,
      title: parsed.title,
      firstAt: isoOrNull(parsed.firstAt),
      lastAt: isoOrNull(parsed.lastAt),
      messageCount: parsed.messageCount,
      records: parsed.records,
    };
    for (const batch of batcher.add(session)) await flush(batch);
    onProgress?.({ sessionsDone: ++done, sessionsTotal: found.length, records: summary.records });
  }
  await flush(batcher.flush());
  // Every session exists on the server now: its transcript files follow, for the archive.
  if (send && upload) {
    for (const h of found) {
      for (const [i, path] of h.files.entries()) {
        await upload(h.sessionId, i === 0 ? "" : basename(path), path);
        summary.transcriptsArchived += 1;
      }
    }
  }
  return summary;
}
