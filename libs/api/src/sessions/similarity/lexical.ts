import { characteristicWords, sessionsMatchingQuery, type Db } from "@stratavore/db";
import type { ScoredSession, SimilarityProvider } from "./provider.ts";

/**
 * "Find similar", computed inside Postgres with no external service: the session's most
 * characteristic words (frequent here, rare across the archive — tf-idf from ts_stat) become
 * a query, and other sessions are ranked by how strongly their text matches it.
 */
async function lexicalSimilar(db: Db, id: string, limit: number): Promise<ScoredSession[]> {
  const words = await characteristicWords(db, id, 12);
  if (!words.length) return [];
  const query = words
    .map((w) => w.replace(/[^a-z0-9]/gi, ""))
    .filter(Boolean)
    .join(" | ");
  return query ? sessionsMatchingQuery(db, id, query, limit) : [];
}

export const lexicalProvider: SimilarityProvider = {
  name: "lexical",
  similar: lexicalSimilar,
  index: async () => undefined,
};
