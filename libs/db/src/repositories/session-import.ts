import type { Tx } from "./tx.ts";

export interface ImportedSessionFacts {
  title: string | null;
  first: Date | null;
  last: Date | null;
  messageCount: number;
}

/** The project of an existing session (`undefined` when there is no such session). */
export async function sessionProject(db: Tx, id: string): Promise<{ projectId: string | null } | undefined> {
  return (await db.session.findUnique({ where: { id }, select: { projectId: true } })) ?? undefined;
}

/** Per session id that exists: the project it is in (null: none). Ids not in the database are left out. */
export async function projectsOfSessions(
  db: Tx,
  ids: readonly string[],
): Promise<Map<string, { id: string; name: string; path: string } | null>> {
  const rows = await db.session.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, project: { select: { id: true, name: true, path: true } } },
  });
  return new Map(rows.map((r) => [r.id, r.project]));
}

export async function sessionExists(db: Tx, id: string): Promise<boolean> {
  return (await db.session.count({ where: { id } })) > 0;
}

/**
 * One statement: two imports of the same new session at once create it once. Not resumable
 * until its transcript is archived (an import that carries the lines says so).
 */
export async function insertImportedSession(
  db: Tx,
  s: ImportedSessionFacts & { id: string; projectId: string | null; cwd: string | null },
): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "Session" (id, "projectId", cwd, title, "firstMessageAt", "lastMessageAt", "messageCount", resumable, "createdAt", "updatedAt")
    VALUES (${s.id}, ${s.projectId}::uuid, ${s.cwd}, ${s.title}, ${s.first}::timestamp, ${s.last}::timestamp, ${s.messageCount}, false, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
    ON CONFLICT (id) DO NOTHING`;
}

/** Widens what an import knows about an existing session without taking anything away. */
export async function widenImportedSession(db: Tx, id: string, f: ImportedSessionFacts): Promise<void> {
  await db.$executeRaw`
    UPDATE "Session" SET title = COALESCE(title, ${f.title}),
      "firstMessageAt" = LEAST("firstMessageAt", ${f.first}::timestamp), "lastMessageAt" = GREATEST("lastMessageAt", ${f.last}::timestamp),
      "messageCount" = GREATEST("messageCount", ${f.messageCount}), "updatedAt" = now() AT TIME ZONE 'UTC'
    WHERE id = ${id}`;
}

/** Of these ids, the sessions that exist. */
export async function existingSessionIds(db: Tx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.session.findMany({ where: { id: { in: [...ids] } }, select: { id: true } });
  return rows.map((r) => r.id);
}
