import type { Tx } from "./tx.ts";

/**
 * A session's most characteristic words: frequent in it, rare across the archive (tf-idf from
 * ts_stat over its lines against the count of sessions holding each word).
 */
export async function characteristicWords(db: Tx, sessionId: string, limit: number): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ word: string }>>`
    WITH mine AS (SELECT word, nentry FROM ts_stat(format('SELECT to_tsvector(''english'', text) FROM "TranscriptEntry" WHERE "sessionId" = %L', ${sessionId}::text)) ORDER BY nentry DESC LIMIT 100),
         total AS (SELECT greatest(count(DISTINCT "sessionId"), 1)::float AS n FROM "TranscriptEntry")
    SELECT m.word FROM mine m, total t
     WHERE length(m.word) > 2
     ORDER BY m.nentry * ln(t.n / (1 + (SELECT count(DISTINCT "sessionId") FROM "TranscriptEntry" e WHERE to_tsvector('english', e.text) @@ to_tsquery('english', quote_literal(m.word))))) DESC
     LIMIT ${limit}`;
  return rows.map((r) => r.word);
}

/** Other sessions ranked by how strongly their lines match a tsquery (summed ts_rank). */
export async function sessionsMatchingQuery(
  db: Tx,
  exceptSessionId: string,
  tsquery: string,
  limit: number,
): Promise<{ sessionId: string; score: number }[]> {
  const rows = await db.$queryRaw<Array<{ sessionId: string; score: number }>>`
    SELECT e."sessionId", sum(ts_rank(to_tsvector('english', e.text), to_tsquery('english', ${tsquery}))) AS score
      FROM "TranscriptEntry" e
     WHERE e."sessionId" <> ${exceptSessionId} AND to_tsvector('english', e.text) @@ to_tsquery('english', ${tsquery})
     GROUP BY e."sessionId" ORDER BY score DESC LIMIT ${limit}`;
  return rows.map((s) => ({ sessionId: s.sessionId, score: Number(s.score) }));
}
