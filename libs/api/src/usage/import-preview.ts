import { stat } from "node:fs/promises";
import { projectsByPaths, projectsOfSessions } from "@stratavore/db";
import { scanHistory, type HistorySession } from "@stratavore/runner";
import {
  AppError,
  IMPORT_PREVIEW_DESTINATIONS_MAX,
  IMPORT_SKIPPED_EXAMPLES,
  type ImportDestination,
  type ImportLocalPreview,
} from "@stratavore/contracts";
import type { ApiDeps } from "../deps.ts";

/** Ids or paths asked of the database at a time (a bound parameter each). */
const PER_QUERY = 5_000;

/** Settings → Import history checks the folder is there before it reads or starts anything. */
export async function assertImportDir(dir: string): Promise<void> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new AppError("NOT_FOUND", `No directory ${dir} on the server.`);
}

/**
 * What Settings → Import history would do with `dir`, before it does it, by destination — the
 * same choices as the import (import-service.ts, local-import-job.ts): a session already here
 * stays in its project, whatever its cwd says; a new one joins the project at its cwd, makes
 * one there, or — no cwd recorded — belongs to none. A session whose files are all empty is
 * left out (the import reads nothing from it), and one found in two folders counts once.
 */
export async function previewLocalImport(deps: ApiDeps, dir: string): Promise<ImportLocalPreview> {
  await assertImportDir(dir);
  const found = new Map<string, { s: HistorySession; bytes: number }>();
  const skipped: string[] = [];
  for await (const s of scanHistory(dir, (path) => skipped.push(path))) {
    if (found.has(s.sessionId)) continue;
    const sizes = await Promise.all(
      s.files.map((f) =>
        stat(f).then(
          (st) => st.size,
          () => 0,
        ),
      ),
    );
    const bytes = sizes.reduce((a, b) => a + b, 0);
    if (bytes > 0) found.set(s.sessionId, { s, bytes });
  }
  const here = await inChunks([...found.keys()], (ids) => projectsOfSessions(deps.db, ids));
  const newPaths = [...found.values()].flatMap(({ s }) => (here.has(s.sessionId) || !s.cwd ? [] : [s.cwd]));
  const atPath = await inChunks([...new Set(newPaths)], (paths) => projectsByPaths(deps.db, paths));

  const rows = new Map<string, ImportDestination>();
  for (const { s, bytes } of found.values()) {
    const existing = here.get(s.sessionId);
    const already = existing !== undefined;
    const project = already ? existing : s.cwd ? (atPath.get(s.cwd) ?? null) : null;
    const path = project?.path ?? (already ? null : s.cwd);
    const key = project ? `p:${project.id}` : path ? `new:${path}` : "none";
    const row = rows.get(key) ?? {
      path,
      project: project ? { id: project.id, name: project.name } : null,
      sessions: 0,
      alreadyImported: 0,
      bytes: 0,
    };
    row.sessions += 1;
    row.alreadyImported += already ? 1 : 0;
    row.bytes += bytes;
    rows.set(key, row);
  }
  const destinations = [...rows.values()].sort(
    // Most sessions first; "no project" after the paths with as many.
    (a, b) =>
      b.sessions - a.sessions ||
      Number(a.path === null) - Number(b.path === null) ||
      (a.path ?? "").localeCompare(b.path ?? ""),
  );
  return {
    dir,
    sessions: found.size,
    alreadyImported: here.size,
    bytes: destinations.reduce((n, d) => n + d.bytes, 0),
    destinations: destinations.slice(0, IMPORT_PREVIEW_DESTINATIONS_MAX),
    moreDestinations: Math.max(0, destinations.length - IMPORT_PREVIEW_DESTINATIONS_MAX),
    skippedFiles: skipped.length,
    skippedExamples: skipped.slice(0, IMPORT_SKIPPED_EXAMPLES),
  };
}

async function inChunks<K, V>(keys: K[], ask: (chunk: K[]) => Promise<Map<K, V>>): Promise<Map<K, V>> {
  const all = new Map<K, V>();
  for (let i = 0; i < keys.length; i += PER_QUERY)
    for (const [k, v] of await ask(keys.slice(i, i + PER_QUERY))) all.set(k, v);
  return all;
}
