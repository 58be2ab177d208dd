import { listSessions } from "@stratavore/db";
import { getSession } from "./sessions-service.ts";
import type { ApiDeps } from "../deps.ts";
import { lexicalProvider } from "./similarity/lexical.ts";

/** The sessions most like this one, by the configured provider (lexical unless embeddings are set up). */
export async function similarSessions(deps: ApiDeps, id: string, limit = 10) {
  await getSession(deps, id);
  const provider = deps.similarity ?? lexicalProvider;
  const scored = await provider.similar(deps.db, id, limit);
  const sessions = await listSessions(deps.db, { ids: scored.map((s) => s.sessionId), sort: "recent", limit });
  const byId = new Map(sessions.map((s) => [s.id, s]));
  return scored.flatMap((s) => {
    const session = byId.get(s.sessionId);
    return session ? [{ session, score: s.score }] : [];
  });
}
