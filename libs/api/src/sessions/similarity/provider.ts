import { sessionOpeningLines, type Db } from "@stratavore/db";

export interface ScoredSession {
  sessionId: string;
  score: number;
}

/**
 * "Find similar" behind one interface: lexical (inside Postgres, always available) by default;
 * embeddings from an OpenAI-compatible endpoint with vectors in Qdrant when both are configured.
 */
export interface SimilarityProvider {
  readonly name: "lexical" | "embeddings";
  similar(db: Db, sessionId: string, limit: number): Promise<ScoredSession[]>;
  /** Called when a session's transcript is archived (no-op for lexical: Postgres has the text). */
  index(db: Db, sessionId: string): Promise<void>;
}

/** The text that stands for a session: its title and its first lines of conversation. */
export async function sessionText(db: Db, sessionId: string, maxChars = 8000): Promise<string> {
  let out = "";
  for (const text of await sessionOpeningLines(db, sessionId, 200)) {
    if (out.length >= maxChars) break;
    out += `${text}\n`;
  }
  return out.slice(0, maxChars);
}
