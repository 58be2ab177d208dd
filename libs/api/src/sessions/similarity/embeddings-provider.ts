import type { Db } from "@stratavore/db";
import { embed, type EmbeddingsConfig } from "./embeddings-client.ts";
import { sessionText, type SimilarityProvider } from "./provider.ts";
import type { VectorStore } from "./vector-store.ts";

/**
 * Semantic similarity: each archived session's text is embedded once and kept in the vector
 * store; "similar" is a nearest-neighbour search from the session's own vector.
 */
export function embeddingsProvider(cfg: EmbeddingsConfig, store: VectorStore): SimilarityProvider {
  const index = async (db: Db, sessionId: string) => {
    const text = await sessionText(db, sessionId);
    if (text.trim()) await store.upsert(sessionId, await embed(cfg, text));
  };
  return {
    name: "embeddings",
    index,
    async similar(db, sessionId, limit) {
      let vector = await store.get(sessionId);
      if (!vector) {
        await index(db, sessionId);
        vector = await store.get(sessionId);
      }
      return vector ? store.nearest(vector, limit, sessionId) : [];
    },
  };
}
