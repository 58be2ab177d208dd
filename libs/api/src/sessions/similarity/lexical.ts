import type { Db } from "@stratavore/db";
import type { ScoredSession, SimilarityProvider } from "./provider.ts";

/**
 * "Find similar", computed inside Postgres with no external service: the session's most
 * characteristic words (frequent here, rare across the archive — tf-idf from ts_stat) become
 * a query, and other sessions are ranked by how strongly their text matches it.
 */
async function lexicalSimilar(db: Db, id: string, limit: number): Promise<ScoredSession[]> {
  const terms = await db.$queryRaw<Array<{ word: string }>>`
    WITH mine AS (SELECT word, nentry FROM ts_stat(format('SELECT to_tsvector(''english'', text) FROM "TranscriptEntry" WHERE "sessionId" = %L', ${id}::text)) ORDER BY nentry DESC LIMIT 100),
         total AS (SELECT greatest(count(DISTINCT "sessionId"), 1)::float AS n FROM "TranscriptEntry")
    SELECT m.word FROM mine m, total t
     WHERE length(m.word) > 2
     ORDER BY m.nentry * ln(t.n / (1 + (SELECT count(DISTINCT "sessionId") FROM "TranscriptEntry" e WHERE to_tsvector('english', e.text) @@ to_tsquery('english', quote_literal(m.word))))) DESC
     LIMIT 12`;
  if (!terms.length) return [];
  const query = terms
    .map((t) => t.word.replace(/[^a-z0-9]/gi, ""))
    .filter(Boolean)
    .join(" | ");
  const scored = await db.$queryRaw<Array<{ sessionId: string; score: number }>>`
    SELECT e."sessionId", sum(ts_rank(to_tsvector('english', e.text), to_tsquery('english', ${query}))) AS score
      FROM "TranscriptEntry" e
     WHERE e."sessionId" <> ${id} AND to_tsvector('english', e.text) @@ to_tsquery('english', ${query})
     GROUP BY e."sessionId" ORDER BY score DESC LIMIT ${limit}`;
  return scored.map((s) => ({ sessionId: s.sessionId, score: Number(s.score) }));
}

export const lexicalProvider: SimilarityProvider = {
  name: "lexical",
  similar: lexicalSimilar,
  index: async () => undefined,
};
