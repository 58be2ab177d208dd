import type { Tx } from "./tx.ts";

/** How far an import read a transcript file on the server's machine (see the ImportCursor model). */
export interface ImportCursorRow {
  path: string;
  sessionId: string;
  bytes: number;
  headSha256: string;
}

export async function importCursorsFor(db: Tx, paths: readonly string[]): Promise<Map<string, ImportCursorRow>> {
  const rows = await db.importCursor.findMany({ where: { path: { in: [...paths] } } });
  return new Map(rows.map((r) => [r.path, { ...r, bytes: Number(r.bytes) }]));
}

/** Records how far each file was read; one statement for a session's files. */
export async function saveImportCursors(db: Tx, rows: readonly ImportCursorRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.$executeRaw`
    INSERT INTO "ImportCursor" (path, "sessionId", bytes, "headSha256", "updatedAt")
    SELECT c.path, c.session, c.bytes, c.head, now() AT TIME ZONE 'UTC'
      FROM unnest(${rows.map((r) => r.path)}::text[], ${rows.map((r) => r.sessionId)}::text[],
                  ${rows.map((r) => BigInt(r.bytes))}::int8[], ${rows.map((r) => r.headSha256)}::text[]) AS c(path, session, bytes, head)
    ON CONFLICT (path) DO UPDATE SET "sessionId" = EXCLUDED."sessionId", bytes = EXCLUDED.bytes,
      "headSha256" = EXCLUDED."headSha256", "updatedAt" = now() AT TIME ZONE 'UTC'`;
}
