import { createHash } from "node:crypto";
import type { QdrantClient } from "@qdrant/js-client-rest";

export interface VectorStore {
  upsert(sessionId: string, vector: number[]): Promise<void>;
  nearest(
    vector: number[],
    limit: number,
    excludeSessionId: string,
  ): Promise<Array<{ sessionId: string; score: number }>>;
  get(sessionId: string): Promise<number[] | null>;
}

/** Qdrant point ids must be uuids or integers: derive a stable uuid from the session id. */
function pointId(sessionId: string): string {
  const h = createHash("sha256").update(sessionId).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Session vectors in a Qdrant collection (created on first use, cosine distance). */
export class QdrantVectorStore implements VectorStore {
  /** Its client library (~19 MB resident) is loaded on first use, not by every server. */
  private opened: Promise<QdrantClient> | null = null;
  private ready: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly apiKey: string | undefined,
    private readonly collection = "stratavore_sessions",
  ) {}

  private client(): Promise<QdrantClient> {
    this.opened ??= import("@qdrant/js-client-rest").then(
      ({ QdrantClient }) => new QdrantClient({ url: this.url, apiKey: this.apiKey }),
    );
    return this.opened;
  }

  private ensure(size: number): Promise<void> {
    this.ready ??= (async () => {
      const client = await this.client();
      const { exists } = await client.collectionExists(this.collection);
      if (!exists) await client.createCollection(this.collection, { vectors: { size, distance: "Cosine" } });
    })();
    return this.ready;
  }

  async upsert(sessionId: string, vector: number[]): Promise<void> {
    await this.ensure(vector.length);
    await (
      await this.client()
    ).upsert(this.collection, {
      wait: true,
      points: [{ id: pointId(sessionId), vector, payload: { sessionId } }],
    });
  }

  async nearest(vector: number[], limit: number, excludeSessionId: string) {
    await this.ensure(vector.length);
    const hits = await (await this.client()).search(this.collection, { vector, limit: limit + 1, with_payload: true });
    return hits
      .map((h) => ({
        sessionId: String((h.payload as { sessionId?: string } | null)?.sessionId ?? ""),
        score: h.score,
      }))
      .filter((h) => h.sessionId && h.sessionId !== excludeSessionId)
      .slice(0, limit);
  }

  async get(sessionId: string): Promise<number[] | null> {
    await this.ready;
    const [point] = await (
      await this.client()
    )
      .retrieve(this.collection, { ids: [pointId(sessionId)], with_vector: true })
      .catch(() => []);
    return Array.isArray(point?.vector) ? (point.vector as number[]) : null;
  }
}
