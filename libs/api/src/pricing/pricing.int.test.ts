import { afterAll, expect, inject, it } from "vitest";
import { uniqueSlug } from "@stratavore/db/testing";
import { writeLedger } from "../usage/ledger-service.ts";
import { createHarness } from "../testing/api-harness.ts";

const h = createHarness(inject("databaseUrl"));
afterAll(() => h.close());

it("an admin price override changes the cost of new usage and, after reprice, of old usage; removing it and repricing restores it", async () => {
  const { api } = await h.as("admin");
  const model = `claude-pricetest-${uniqueSlug("m")}`;
  const key = `msg_${uniqueSlug("k")}`;
  const record = {
    messageId: key,
    requestId: "req_1",
    sessionId: uniqueSlug("s"),
    model,
    serviceTier: null,
    speed: null,
    inputTokens: 1_000_000,
    outputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
    webSearchRequests: 0,
    webFetchRequests: 0,
    isSidechain: false,
    occurredAt: new Date().toISOString(),
  };
  await writeLedger(h.deps, { runnerId: null, projectId: null, nodeId: null }, [record]);
  const row = () => h.db.usageRecord.findUniqueOrThrow({ where: { usageKey: key } });
  expect((await row()).unpriced).toBe(true); // no price for this model yet: unpriced, not $0

  const book = await api.prices.setOverride({
    modelPattern: model,
    input: 7,
    output: 21,
    cacheWrite5m: 8.75,
    cacheWrite1h: 14,
    cacheRead: 0.7,
  });
  expect(book.prices.find((p) => p.modelPattern === model)?.overridden).toBe(true);
  const repriced = await api.usage.reprice();
  expect(repriced.changed).toBeGreaterThanOrEqual(1);
  expect(Number((await row()).costUsd)).toBeCloseTo(7, 6); // 1 M input tokens × $7
  expect((await row()).priceVersion).toBe(repriced.version);

  await api.prices.removeOverride({ modelPattern: model });
  await api.usage.reprice();
  expect((await row()).unpriced).toBe(true);
  expect((await row()).costUsd).toBeNull();
});
