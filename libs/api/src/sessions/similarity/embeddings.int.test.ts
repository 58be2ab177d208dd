import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { ensureSession, insertEntries, refreshSessionStats } from "@stratavore/db";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { transcriptEntryFixture } from "@stratavore/contracts/testing";
import { createHarness } from "../../testing/api-harness.ts";
import { embed } from "./embeddings-client.ts";
import { embeddingsProvider } from "./embeddings-provider.ts";
import { QdrantVectorStore, type VectorStore } from "./vector-store.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
const DIM = 64;
/** A local OpenAI-compatible /embeddings endpoint: hashed bag of words, normalised. */
const stub = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const { input } = JSON.parse(body) as { input: string };
    const v = new Array<number>(DIM).fill(0);
    for (const w of input.toLowerCase().match(/[a-z]{3,}/g) ?? [])
      v[[...w].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % DIM, 7)]! += 1;
    const n = Math.hypot(...v) || 1;
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ data: [{ embedding: v.map((x) => x / n) }] }));
  });
});
let url = "";
beforeAll(async () => {
  await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  stub.close();
  await h.close();
});

/** Cosine search over vectors kept in memory: stands in for Qdrant, which cannot run here. */
class MemoryVectors implements VectorStore {
  readonly vectors = new Map<string, number[]>();
  async upsert(id: string, v: number[]) {
    this.vectors.set(id, v);
  }
  async get(id: string) {
    return this.vectors.get(id) ?? null;
  }
  async nearest(v: number[], limit: number, exclude: string) {
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
    return [...this.vectors]
      .filter(([id]) => id !== exclude)
      .map(([sessionId, w]) => ({ sessionId, score: dot(v, w) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  }
}

async function session(text: string): Promise<string> {
  const id = randomUUID();
  await ensureSession(h.db, { id, projectId: null, nodeId: null, cwd: "/tmp" });
  await insertEntries(h.db, id, [transcriptEntryFixture(text)]);
  await refreshSessionStats(h.db, id);
  return id;
}

it("the embeddings provider (OpenAI-compatible endpoint) indexes sessions and finds the nearest one", async () => {
  expect(await embed({ url, model: "m" }, "hello world")).toHaveLength(DIM);
  const store = new MemoryVectors();
  const provider = embeddingsProvider({ url, model: "m" }, store);
  const tag = uniqueSlug("x");
  const a = await session(`kubernetes deployment rollout helm chart ${tag}`);
  const b = await session(`helm chart kubernetes rollout failed deployment ${tag}`);
  const c = await session(`bake sourdough bread with rye flour ${tag}`);
  for (const id of [a, b, c]) await provider.index(h.db, id);
  const similar = await provider.similar(h.db, a, 2);
  expect(similar[0]?.sessionId).toBe(b);
  expect(similar[0]!.score).toBeGreaterThan(similar[1]!.score);
});

// Qdrant is optional and not installable here (no npm or apt package of the server); this
// runs only where QDRANT_URL points at one.
it.skipIf(!process.env.QDRANT_URL)("Qdrant vector store round trip (needs QDRANT_URL)", async () => {
  const store = new QdrantVectorStore(
    process.env.QDRANT_URL!,
    process.env.QDRANT_API_KEY,
    `stratavore_test_${Date.now()}`,
  );
  await store.upsert("s-1", [1, 0, 0]);
  await store.upsert("s-2", [0.9, 0.1, 0]);
  await store.upsert("s-3", [0, 0, 1]);
  const near = await store.nearest([1, 0, 0], 2, "s-1");
  expect(near[0]?.sessionId).toBe("s-2");
});
