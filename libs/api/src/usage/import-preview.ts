import { stat } from "node:fs/promises";
import { existingSessionIds, projectsByPaths } from "@stratavore/db";
import { scanHistory } from "@stratavore/runner";
import { AppError, IMPORT_PREVIEW_DESTINATIONS_MAX, type ImportLocalPreview } from "@stratavore/contracts";
import type { ApiDeps } from "../deps.ts";

/** Session ids asked of the database at a time (a bound parameter each). */
const IDS_PER_QUERY = 5_000;

/** Settings → Import history checks the folder is there before it reads or starts anything. */
export async function assertImportDir(dir: string): Promise<void> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new AppError("NOT_FOUND", `No directory ${dir} on the server.`);
}

/**
 * What Settings → Import history would do with `dir`, before it does it: per project path
 * (the sessions' cwd) how many sessions and bytes, and whether they join an existing project,
 * make a new one there, or — no cwd recorded — belong to none. Sessions already here keep
 * their project whatever their cwd says (import never re-homes a session); they are counted
 * apart. Reads only each session's list of files and its first cwd, as the import's own scan does.
 */
export async function previewLocalImport(deps: ApiDeps, dir: string): Promise<ImportLocalPreview> {
  await assertImportDir(dir);
  const byPath = new Map<string | null, { ids: string[]; bytes: number }>();
  for await (const s of scanHistory(dir)) {
    const sizes = await Promise.all(
      s.files.map((f) =>
        stat(f).then(
          (st) => st.size,
          () => 0,
        ),
      ),
    );
    const row = byPath.get(s.cwd) ?? { ids: [], bytes: 0 };
    row.ids.push(s.sessionId);
    row.bytes += sizes.reduce((a, b) => a + b, 0);
    byPath.set(s.cwd, row);
  }
  const ids = [...byPath.values()].flatMap((r) => r.ids);
  const here = new Set<string>();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY)
    for (const id of await existingSessionIds(deps.db, ids.slice(i, i + IDS_PER_QUERY))) here.add(id);
  const paths = [...byPath.keys()].filter((p): p is string => p !== null);
  const projects = await projectsByPaths(deps.db, paths);
  const destinations = [...byPath.entries()]
    .map(([path, r]) => ({
      path,
      project: path === null ? null : (projects.get(path) ?? null),
      sessions: r.ids.length,
      alreadyImported: r.ids.filter((id) => here.has(id)).length,
      bytes: r.bytes,
    }))
    // Most sessions first; "no project" after the paths with as many.
    .sort(
      (a, b) =>
        b.sessions - a.sessions ||
        Number(a.path === null) - Number(b.path === null) ||
        (a.path ?? "").localeCompare(b.path ?? ""),
    );
  return {
    dir,
    sessions: ids.length,
    bytes: destinations.reduce((n, d) => n + d.bytes, 0),
    destinations: destinations.slice(0, IMPORT_PREVIEW_DESTINATIONS_MAX),
    moreDestinations: Math.max(0, destinations.length - IMPORT_PREVIEW_DESTINATIONS_MAX),
  };
}
