import type { TranscriptEntryInput } from "@stratavore/contracts";
import { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

/* A session's archived transcript lines: written idempotently, searched, paged and exported. */

/** Rows per statement: 15 parameters each, under PostgreSQL's 65,535 bind parameters. */
const ENTRY_ROWS_PER_INSERT = 4000;

/**
 * Archives transcript lines, idempotently: a line replayed or sent out of order is inserted
 * once per session (ON CONFLICT DO NOTHING on (session, uuid)). Multi-row VALUES with one bound
 * parameter per field, not unnest() of arrays: PostgreSQL parses a text[] literal character by
 * character, and for JSON lines full of quotes that was 4× slower (bench/parse: 200 MB of
 * lines stored in 19.5 s through arrays, 4.9 s as bound values).
 *
 * A line whose bytes come in parts (`rawBytes`): part 0 is inserted with the entry; each later
 * part is appended only to that very line (same file, offset and part count — another line with
 * the same uuid, dropped by ON CONFLICT, must not take its parts) and only when it is the next
 * one (`rawParts` = its index), so a part sent again changes nothing and the bytes are whole
 * once `rawParts` reaches `rawPartsTotal`.
 */
export async function insertEntries(db: Tx, sessionId: string, given: TranscriptEntryInput[]): Promise<number> {
  const firsts = given.filter((e) => !e.rawBytes || e.rawBytes.part === 0);
  let inserted = 0;
  for (let i = 0; i < firsts.length; i += ENTRY_ROWS_PER_INSERT) {
    const rows = firsts
      .slice(i, i + ENTRY_ROWS_PER_INSERT)
      .map(withoutNul)
      .map((e) => {
        const raw = e.rawBytes ? Buffer.from(e.rawBytes.base64, "base64") : null;
        return Prisma.sql`(${sessionId}, ${e.uuid}, ${e.parentUuid}, ${e.type}, ${e.role}, ${e.text}, ${e.toolNames}::text[], ${e.isSidechain}, ${e.timestamp ? new Date(e.timestamp) : null}::timestamp, ${e.file}, ${e.offset}::int8, ${e.rawLine}, ${raw}::bytea, ${raw ? 1 : 0}::int4, ${e.rawBytes?.parts ?? 0}::int4)`;
      });
    inserted += await db.$executeRaw`
      INSERT INTO "TranscriptEntry" ("sessionId", uuid, "parentUuid", type, role, text, "toolNames", "isSidechain", timestamp, file, "offset", "rawLine", "rawBytes", "rawParts", "rawPartsTotal")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("sessionId", uuid) DO NOTHING`;
  }
  for (const e of given)
    if (e.rawBytes && e.rawBytes.part > 0)
      await db.$executeRawUnsafe(APPEND_PART_SQL, ...appendPartParams(sessionId, withoutNul(e), e.rawBytes));
  return inserted;
}

/** Appends a later part of a line's bytes (see insertEntries); shared with the COPY path. */
export const APPEND_PART_SQL = `
  UPDATE "TranscriptEntry" SET "rawBytes" = "rawBytes" || $1::bytea, "rawParts" = "rawParts" + 1
   WHERE "sessionId" = $2 AND uuid = $3 AND file = $4 AND "offset" = $5::int8 AND "rawPartsTotal" = $6::int4 AND "rawParts" = $7::int4`;

export function appendPartParams(
  sessionId: string,
  e: TranscriptEntryInput,
  part: NonNullable<TranscriptEntryInput["rawBytes"]>,
): unknown[] {
  return [Buffer.from(part.base64, "base64"), sessionId, e.uuid, e.file, e.offset, part.parts, part.part];
}

/**
 * PostgreSQL text cannot hold NUL (22021 refuses the whole batch). A NUL byte is never valid
 * in a JSON line, so such a line is damaged already: kept, with each NUL as U+FFFD, rather
 * than stalling every line after it.
 */
export function withoutNul(e: TranscriptEntryInput): TranscriptEntryInput {
  const has = (s: string | null) => s !== null && s.includes("\u0000");
  const clean = (s: string) => (s.includes("\u0000") ? s.replaceAll("\u0000", "\uFFFD") : s);
  if (![e.rawLine, e.text, e.uuid, e.type, e.parentUuid, e.role, e.file, ...e.toolNames].some(has)) return e;
  return {
    ...e,
    uuid: clean(e.uuid),
    parentUuid: e.parentUuid && clean(e.parentUuid),
    type: clean(e.type),
    role: e.role && clean(e.role),
    text: clean(e.text),
    rawLine: clean(e.rawLine),
    file: clean(e.file),
    toolNames: e.toolNames.map(clean),
  };
}

/**
 * The next value of `Session.entriesAt`, the stamp a store copy is compared with
 * (archive-job.ts), set wherever lines are added: strictly newer each time, even twice within
 * one millisecond.
 */
export const NEXT_ENTRIES_STAMP = `greatest(clock_timestamp() AT TIME ZONE 'UTC', "entriesAt" + interval '1 millisecond')`;

/** Session figures derived from its archived entries (never hand-kept counters). */
export async function refreshSessionStats(db: Tx, sessionId: string): Promise<void> {
  // Two refreshes of one session at once (its main transcript and a sub-agent file uploaded
  // side by side): the later one waits here, then reads what the first committed. Without the
  // lock the UPDATE below would wait on the row but keep its older snapshot of the entries, and
  // could write figures older than the ones it replaces. Callers run it in a transaction.
  await db.$queryRaw`SELECT 1 FROM "Session" WHERE id = ${sessionId} FOR UPDATE`;
  await db.$executeRaw`
    UPDATE "Session" s SET
      "messageCount" = x.messages, "firstMessageAt" = x.first, "lastMessageAt" = x.last, "updatedAt" = now() AT TIME ZONE 'UTC',
      title = COALESCE(s.title, x.title), "entriesAt" = ${Prisma.raw(NEXT_ENTRIES_STAMP)}
    FROM (
      SELECT count(*) FILTER (WHERE type IN ('user', 'assistant') AND NOT "isSidechain") AS messages, min(timestamp) AS first, max(timestamp) AS last,
             -- The title from the first message's opening only: the expression inside the
             -- ORDER BY … LIMIT would run on every user line of the session.
             (SELECT left(regexp_replace(left(ltrim(t.text, E' \\t\\r\\n'), 2000), '\\s+', ' ', 'g'), 200) FROM (
                SELECT text FROM "TranscriptEntry" e
                 WHERE e."sessionId" = ${sessionId} AND e.type = 'user' AND NOT e."isSidechain" AND e.text <> '' AND e.text NOT LIKE '<%'
                 ORDER BY e.file, e."offset" LIMIT 1) t) AS title
        FROM "TranscriptEntry" WHERE "sessionId" = ${sessionId}
    ) x WHERE s.id = ${sessionId}`;
}

export interface SearchHit {
  sessionId: string;
  entryId: string;
  snippet: string;
  rank: number;
}

/** Full-text search over every archived line (GIN index on to_tsvector), ranked, with highlighted snippets. */
export async function searchEntries(
  db: Tx,
  q: string,
  projectId: string | undefined,
  limit: number,
): Promise<SearchHit[]> {
  const rows = await db.$queryRaw<Array<{ sessionId: string; id: bigint; snippet: string; rank: number }>>`
    WITH q AS (SELECT websearch_to_tsquery('english', ${q}) AS query)
    SELECT DISTINCT ON (e."sessionId") e."sessionId", e.id,
           ts_headline('english', left(e.text, 20000), q.query, 'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12, MaxFragments=1') AS snippet,
           ts_rank(to_tsvector('english', e.text), q.query) AS rank
      FROM "TranscriptEntry" e JOIN "Session" s ON s.id = e."sessionId", q
     WHERE to_tsvector('english', e.text) @@ q.query AND (${projectId ?? null}::uuid IS NULL OR s."projectId" = ${projectId ?? null}::uuid)
     ORDER BY e."sessionId", rank DESC, e.id`;
  return rows
    .map((r) => ({ sessionId: r.sessionId, entryId: String(r.id), snippet: r.snippet, rank: Number(r.rank) }))
    .sort((a, b) => b.rank - a.rank)
    .slice(0, limit);
}

export async function entriesPage(db: Tx, sessionId: string, afterId: bigint | null, limit: number) {
  return db.transcriptEntry.findMany({
    where: { sessionId, id: afterId === null ? undefined : { gt: afterId } },
    orderBy: { id: "asc" },
    take: limit,
    select: {
      id: true,
      uuid: true,
      type: true,
      role: true,
      text: true,
      toolNames: true,
      isSidechain: true,
      timestamp: true,
      file: true,
      rawLine: true,
    },
  });
}

/**
 * The original lines in file order: main transcript first, then each sub-agent file. `exact` is
 * a line's original bytes when `rawLine` is not them (and all their parts have arrived).
 */
export async function rawLines(
  db: Tx,
  sessionId: string,
): Promise<{ file: string; rawLine: string; exact: Buffer | null }[]> {
  const rows = await db.transcriptEntry.findMany({
    where: { sessionId },
    orderBy: [{ file: "asc" }, { offset: "asc" }],
    select: { file: true, rawLine: true, rawBytes: true, rawParts: true, rawPartsTotal: true },
  });
  return rows.map((r) => ({
    file: r.file,
    rawLine: r.rawLine,
    exact: r.rawBytes && r.rawParts === r.rawPartsTotal ? Buffer.from(r.rawBytes) : null,
  }));
}

/** The bytes of a session's archived lines (as text): what an export of it holds. */
export async function archivedBytes(db: Tx, sessionId: string): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ bytes: bigint | null }>>`
    SELECT sum(octet_length("rawLine")) AS bytes FROM "TranscriptEntry" WHERE "sessionId" = ${sessionId}`;
  return Number(row?.bytes ?? 0);
}
