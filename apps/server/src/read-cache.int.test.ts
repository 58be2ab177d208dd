import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { redisReadCache, schemaFingerprint } from "@stratavore/api";
import { usageQueryOutput } from "@stratavore/contracts";
import { createScratchDatabase, uniqueSlug } from "@stratavore/db/testing";
import { FleetHarness } from "./testing/fleet-harness.ts";
import { startRedis } from "./testing/redis-process.ts";
import { usageRecord } from "./testing/usage-record.ts";

/** The hot-read cache on a real Redis (ADR 0009): answers shared for a few seconds, invalidated by imports. */
let tmp = "";
let redis: Awaited<ReturnType<typeof startRedis>>;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "stratavore-read-cache-"));
  redis = await startRedis(tmp);
});
afterAll(async () => {
  await redis?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe("redisReadCache", () => {
  it("answers from Redis within its time, computes again after it, and after an invalidation", async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    let clock = 1_000_000;
    const cache = redisReadCache(
      client,
      () => undefined,
      () => clock,
    );
    let computed = 0;
    const answer = () => cache.through("ns", "k", 5_000, async () => ({ n: ++computed, at: new Date(computed) }));
    expect(await answer()).toEqual({ n: 1, at: new Date(1) });
    clock += 4_999;
    // A hit keeps its types (a Date stays a Date) and computes nothing.
    expect(await answer()).toEqual({ n: 1, at: new Date(1) });
    clock += 1;
    expect((await answer()).n).toBe(2);
    await cache.invalidate("ns");
    expect((await answer()).n).toBe(3);
    // Another namespace, another key: separate answers.
    expect(await cache.through("other", "k", 5_000, async () => "x")).toBe("x");
    await client.quit();
  });

  it("Redis gone: every read is computed, and the outage is logged once, not per read", async () => {
    const own = await startRedis(tmp);
    // The server's own client settings: it reconnects, and queues commands meanwhile.
    const client = createClient({ url: own.url });
    client.on("error", () => undefined);
    await client.connect();
    const logs: string[] = [];
    const cache = redisReadCache(client, (level, msg) => logs.push(`${level}: ${msg}`));
    await own.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    let computed = 0;
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) expect(await cache.through("ns", "k", 5_000, async () => ++computed)).toBe(i + 1);
    await cache.invalidate("ns");
    // Answered at once from the source, not held until Redis comes back.
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(logs).toEqual(["warn: read cache unavailable; reading from PostgreSQL"]);
    await client.disconnect().catch(() => undefined);
  });
});

describe("usage reports of a server with REDIS_URL", () => {
  let h: FleetHarness;
  beforeAll(async () => {
    const url = await createScratchDatabase(inject("adminUrl"), "readcache");
    h = await FleetHarness.start(url, {}, { REDIS_URL: redis.url, STRATAVORE_CLUSTER: "redis" });
  }, 60_000);
  afterAll(() => h?.stop());

  const importTokens = (cwd: string, tokens: number, sessionId = randomUUID()) =>
    h.api.usage.import({
      sessions: [
        {
          sessionId,
          cwd,
          title: null,
          firstAt: null,
          lastAt: null,
          messageCount: 1,
          records: [usageRecord(`msg_${randomUUID()}`, sessionId, tokens)],
        },
      ],
    });

  it("a ranged report is served from the cache, and an import shows in it at once", async () => {
    const project = await h.api.projects.create({ name: uniqueSlug("rc"), path: join(tmp, uniqueSlug("rc")) });
    const since = new Date(Date.now() - 86_400_000);
    const report = async () =>
      (await h.api.usage.query({ project: project.name, by: "day", since })).totals.totalTokens;
    await importTokens(project.path, 1_000);
    expect(await report()).toBe(1_000);
    // Cached: a change that bypasses the services (straight to the database) is not seen yet…
    await h.db.usageRecord.updateMany({ where: { projectId: project.id }, data: { totalTokens: 5_000 } });
    expect(await report()).toBe(1_000);
    // …but an import invalidates the reports, so the importer sees it at once.
    await importTokens(project.path, 234);
    expect(await report()).toBe(5_234);
    // Keyed by the answer's shape: an instance of another version, mid-upgrade, never reads it.
    const client = createClient({ url: redis.url });
    await client.connect();
    const keys = await client.hKeys("stratavore:cache:usage-reports");
    await client.quit();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => (JSON.parse(k) as unknown[])[0] === schemaFingerprint(usageQueryOutput))).toBe(true);
  });
});
