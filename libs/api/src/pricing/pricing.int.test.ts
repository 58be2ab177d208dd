import { afterAll, expect, inject, it } from "vitest";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { upgradeLedger, writeLedger } from "../usage/ledger-service.ts";
import { createHarness } from "../testing/api-harness.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

it("an admin price override changes the cost of new usage and, after reprice, of old usage; removing it and repricing restores it", async () => {
  const { api } = await h.as("admin");
  // The x keeps an all-digit slug from reading as a snapshot date (which ids drop).
  const model = `claude-pricetest-${uniqueSlug("m")}x`;
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
  expect(book.notice).toBeNull(); // of no family: it prices only itself
  const repriced = await api.usage.reprice();
  expect(repriced.changed).toBeGreaterThanOrEqual(1);
  expect(Number((await row()).costUsd)).toBeCloseTo(7, 6); // 1 M input tokens × $7
  expect((await row()).priceVersion).toBe(repriced.version);

  await api.prices.removeOverride({ modelPattern: model });
  await api.usage.reprice();
  expect((await row()).unpriced).toBe(true);
  expect((await row()).costUsd).toBeNull();
});

it("a price that moves a family's estimates says so when set, changed and removed; one that does not stays quiet", async () => {
  const { api } = await h.as("admin");
  const prices = { input: 2, output: 4, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.2 };
  const book = await api.prices.setOverride({ modelPattern: "claude-haiku-99", ...prices });
  try {
    expect(book.notice).toMatch(/^claude-haiku-99 is now the newest haiku price: every haiku id without a row/);
    // Repricing the newest row moves the estimates too.
    expect((await api.prices.setOverride({ modelPattern: "claude-haiku-99", ...prices, input: 3 })).notice).toMatch(
      /^claude-haiku-99 is the newest haiku price: every haiku id without a row of its own is estimated at its new price/,
    );
    // The same prices again move nothing.
    expect((await api.prices.setOverride({ modelPattern: "claude-haiku-99", ...prices, input: 3 })).notice).toBeNull();
  } finally {
    const removed = await api.prices.removeOverride({ modelPattern: "claude-haiku-99" });
    expect(removed.notice).toMatch(/^claude-haiku-4-5 is now the newest haiku price/);
  }
});

it("a price set under a dated or wrapped id is the model's one row: shown, replaced and removed under its plain id", async () => {
  const { api } = await h.as("admin");
  const prices = { input: 2, output: 4, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.2 };
  const plain = `claude-pricetest-${uniqueSlug("d")}x`;
  const rows = async () => (await api.prices.list()).prices.filter((p) => p.modelPattern.includes(plain));
  await api.prices.setOverride({ modelPattern: `${plain}-20270101`, ...prices });
  expect((await rows()).map((p) => [p.modelPattern, p.input])).toEqual([[plain, 2]]);
  // Another spelling of the same model replaces that row rather than adding one.
  await api.prices.setOverride({ modelPattern: `anthropic.${plain.toUpperCase()}-v1:0`, ...prices, input: 3 });
  expect((await rows()).map((p) => [p.modelPattern, p.input])).toEqual([[plain, 3]]);
  await api.prices.removeOverride({ modelPattern: plain });
  expect(await rows()).toEqual([]);
  await expect(api.prices.removeOverride({ modelPattern: `${plain}@20270101` })).rejects.toMatchObject({
    code: "NOT_FOUND",
  });
});

it("an override stored under another spelling of a model before overrides were canonical replaces that model's row", async () => {
  const { api } = await h.as("admin");
  const plain = `claude-pricetest-${uniqueSlug("l")}x`;
  // As an earlier release kept them: the id as typed, two spellings of one model, the newer last.
  const legacy = (typed: string, input: number, at: number) =>
    h.db.priceTable.create({
      data: {
        version: `override-${uniqueSlug("v")}`,
        modelPattern: typed,
        inputPerMTok: input,
        outputPerMTok: 1,
        cacheWrite5mPerMTok: 1,
        cacheWrite1hPerMTok: 1,
        cacheReadPerMTok: 1,
        isOverride: true,
        effectiveFrom: new Date(at),
      },
    });
  await legacy(`${plain.toUpperCase()}-20270101`, 7, Date.now() - 60_000);
  await legacy(`${plain}@20270202`, 9, Date.now() - 30_000);
  const rows = async () => (await api.prices.list()).prices.filter((p) => p.modelPattern.includes(plain));
  expect((await rows()).map((p) => [p.modelPattern, p.input, p.overridden])).toEqual([[plain, 9, true]]);
  await api.prices.removeOverride({ modelPattern: plain });
  expect(await rows()).toEqual([]);
});

it("web searches are charged $10 per 1,000; rows priced under an earlier table gain the fee at start, and unchanged rows take the new version (not read again at the next start)", async () => {
  const record = (key: string, webSearchRequests: number) => ({
    messageId: key,
    requestId: null,
    sessionId: uniqueSlug("s"),
    model: "claude-sonnet-4-5",
    serviceTier: null,
    speed: null,
    inputTokens: 1000,
    outputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
    webSearchRequests,
    webFetchRequests: 0,
    isSidechain: false,
    occurredAt: new Date().toISOString(),
  });
  const searched = `msg_${uniqueSlug("web")}`;
  const plain = `msg_${uniqueSlug("plain")}`;
  await writeLedger(h.deps, { runnerId: null, projectId: null, nodeId: null }, [record(searched, 4), record(plain, 0)]);
  const row = (key: string) => h.db.usageRecord.findUniqueOrThrow({ where: { usageKey: key } });
  // 1,000 input tokens at $3 per million, and 4 searches at $0.01.
  expect(Number((await row(searched)).costUsd)).toBeCloseTo(0.003 + 0.04, 9);
  expect(Number((await row(plain)).costUsd)).toBeCloseTo(0.003, 9);
  // The report counts the searches apart from the tokens, per row and in the totals.
  const { api } = await h.as("viewer");
  const searchedSession = (await row(searched)).sessionId!;
  const bySession = await api.usage.query({ by: "session", since: new Date(Date.now() - 3_600_000), limit: 1000 });
  expect(bySession.rows.find((r) => r.group === searchedSession)).toMatchObject({ webSearchRequests: 4, requests: 1 });
  expect(bySession.totals.webSearchRequests).toBeGreaterThanOrEqual(4);
  const current = (await row(plain)).priceVersion;

  // As a ledger written before searches were priced holds them: tokens only, an older version.
  await h.db.usageRecord.updateMany({
    where: { usageKey: { in: [searched, plain] } },
    data: { costUsd: 0.003, priceVersion: "anthropic-2026-11-30" },
  });
  await upgradeLedger(h.deps);
  expect(Number((await row(searched)).costUsd)).toBeCloseTo(0.043, 9);
  expect((await row(searched)).priceVersion).toBe(current);
  expect((await row(plain)).priceVersion).toBe(current);
});
