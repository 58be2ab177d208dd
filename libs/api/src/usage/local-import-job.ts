import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { importCursorsFor, saveImportCursors, sessionExists } from "@stratavore/db";
import { fileHeadSha256, scanHistory, streamSessionFiles, type HistorySession } from "@stratavore/runner";
import { ROOMS } from "@stratavore/contracts";
import type { Principal } from "../auth/principal.ts";
import { checkedEvent } from "../realtime/bus.ts";
import type { ApiDeps } from "../deps.ts";
import { canArchiveImport, finishImportedArchive, openImportedArchive } from "../sessions/archive-service.ts";
import { assertImportDir } from "./import-preview.ts";
import { importHistory, recordImportFinished } from "./import-service.ts";

const RECORDS_PER_CALL = 20_000;
/** Lines handed to the archive's COPY at a time: few, so none of them outlives a young-generation GC. */
const LINES_PER_WRITE = 16;
/** Measured on 2 cores with a 30 MB corpus: 1.3× faster than one at a time (the archive's indexing is the cost). */
const IMPORT_CONCURRENCY = 2;

/**
 * Settings → Import history: imports the Claude Code transcripts on the server's own machine
 * in the background, one session at a time, announcing progress on the fleet room. It goes
 * through the same import as `stratavore import`, so repeating it changes nothing, and also
 * archives each transcript (which the CLI's usage-only import cannot), so the sessions can be
 * searched, exported and resumed.
 */
export async function startLocalImport(
  deps: ApiDeps,
  actor: Principal,
  dir: string,
): Promise<{ jobId: string; dir: string }> {
  await assertImportDir(dir);
  const jobId = randomUUID();
  let bytesRead = 0;
  let sessionsUnchanged = 0;
  const progress = (p: {
    sessionsDone: number;
    sessionsTotal: number;
    recordsChanged: number;
    finished: boolean;
    error: string | null;
  }) =>
    deps.bus.publish([
      checkedEvent(ROOMS.fleet, "import:progress", {
        seq: deps.fleet.nextMetricsSeq(),
        jobId,
        ...p,
        bytesRead,
        sessionsUnchanged,
      }),
    ]);
  void deps.fleet.track(
    (async () => {
      const sessions: HistorySession[] = [];
      for await (const s of scanHistory(dir)) sessions.push(s);
      let done = 0;
      let changed = 0;
      progress({ sessionsDone: 0, sessionsTotal: sessions.length, recordsChanged: 0, finished: false, error: null });
      let failed = 0;
      let next = 0;
      // Two sessions at a time: while PostgreSQL indexes one session's lines, the next is read.
      await Promise.all(
        Array.from({ length: IMPORT_CONCURRENCY }, async () => {
          for (let s = sessions[next++]; s; s = sessions[next++]) {
            try {
              const one = await importOne(deps, actor, s);
              changed += one.changed;
              bytesRead += one.bytesRead;
              if (one.unchanged) sessionsUnchanged += 1;
            } catch (err) {
              // One damaged session must not cost the others their import.
              failed += 1;
              deps.log("error", "importing a session failed; going on with the next", {
                jobId,
                sessionId: s.sessionId,
                error: String(err),
              });
            }
            progress({
              sessionsDone: ++done,
              sessionsTotal: sessions.length,
              recordsChanged: changed,
              finished: false,
              error: null,
            });
          }
        }),
      );
      await recordImportFinished(deps, actor, {
        sessions: sessions.length,
        recordsChanged: changed,
        failed,
        source: "settings",
        bytesRead,
        sessionsUnchanged,
      });
      if (failed) {
        progress({
          sessionsDone: done,
          sessionsTotal: sessions.length,
          recordsChanged: changed,
          finished: true,
          error: `${failed} of ${sessions.length} sessions could not be imported; see the server log.`,
        });
        return;
      }
      progress({
        sessionsDone: done,
        sessionsTotal: sessions.length,
        recordsChanged: changed,
        finished: true,
        error: null,
      });
    })().catch((err: unknown) => {
      deps.log("error", "history import failed", { jobId, error: String(err) });
      progress({
        sessionsDone: 0,
        sessionsTotal: 0,
        recordsChanged: 0,
        finished: true,
        error: "The import failed; see the server log.",
      });
    }),
  );
  return { jobId, dir };
}

/**
 * One session, read once and a chunk at a time (a huge transcript never whole in memory): its
 * archive lines go in as they are read, then its usage through the same ledger write as live
 * usage. The session's title and message count come from its archived lines, as for a live
 * session. A session some runner worked on keeps its agent's archive.
 *
 * Each file is read from where the last import of it stopped (ImportCursor) when its first
 * bytes are unchanged, so importing again reads only what was appended; a session with nothing
 * new is not touched at all. The cursor moves only after the session's lines and usage are in.
 */
async function importOne(
  deps: ApiDeps,
  actor: Principal,
  s: HistorySession,
): Promise<{ changed: number; bytesRead: number; unchanged: boolean }> {
  const from = await resumeOffsets(deps, s);
  if (from.every((f) => f.start === f.size)) return { changed: 0, bytesRead: 0, unchanged: true };
  // The session row first: archive lines reference it.
  await importHistory(deps, actor, {
    sessions: [
      { sessionId: s.sessionId, cwd: s.cwd, title: null, firstAt: null, lastAt: null, messageCount: 0, records: [] },
    ],
  });
  const archive = (await canArchiveImport(deps, s.sessionId)) ? await openImportedArchive(deps, s.sessionId) : null;
  let read: Awaited<ReturnType<typeof streamSessionFiles>>;
  try {
    const starts = from.map((f) => f.start);
    read = await streamSessionFiles(s.files, s.sessionId, async (e) => archive?.write(e), LINES_PER_WRITE, starts);
  } catch (err) {
    await archive?.abort();
    throw err;
  }
  await archive?.finish();
  let changed = 0;
  for (let i = 0; i === 0 || i < read.records.length; i += RECORDS_PER_CALL) {
    const res = await importHistory(deps, actor, {
      sessions: [
        {
          sessionId: s.sessionId,
          cwd: s.cwd,
          title: null,
          firstAt: read.firstAt,
          lastAt: read.lastAt,
          messageCount: 0,
          records: read.records.slice(i, i + RECORDS_PER_CALL),
        },
      ],
    });
    changed += res.recordsChanged;
  }
  if (archive) await finishImportedArchive(deps, s.sessionId);
  const cursors = await Promise.all(
    s.files.map(async (path, i) => {
      const bytes = read.completeBytes[i] ?? 0;
      return { path, sessionId: s.sessionId, bytes, headSha256: await fileHeadSha256(path, bytes) };
    }),
  );
  await saveImportCursors(deps.db, cursors);
  return { changed, bytesRead: read.bytesRead, unchanged: false };
}

/** Per file: where this import starts (0, or the last import's end when the file only grew) and its size now. */
async function resumeOffsets(deps: ApiDeps, s: HistorySession): Promise<Array<{ start: number; size: number }>> {
  // A session deleted here since (retention, or by hand) is imported again from the start.
  const cursors = (await sessionExists(deps.db, s.sessionId)) ? await importCursorsFor(deps.db, s.files) : new Map();
  return Promise.all(
    s.files.map(async (path) => {
      const size = await stat(path).then(
        (st) => st.size,
        () => 0,
      );
      const c = cursors.get(path);
      if (!c || c.sessionId !== s.sessionId || c.bytes > size) return { start: 0, size };
      const same = (await fileHeadSha256(path, c.bytes)) === c.headSha256;
      return { start: same ? c.bytes : 0, size };
    }),
  );
}
