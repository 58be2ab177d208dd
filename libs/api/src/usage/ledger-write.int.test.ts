import { afterAll, expect, inject, it } from "vitest";
import type { UsageRecordInput } from "@stratavore/contracts";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { createHarness } from "../testing/api-harness.ts";
import { writeLedger } from "./ledger-service.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

const IMPORT = { runnerId: null, projectId: null, nodeId: null };

function line(over: Partial<UsageRecordInput> & { messageId: string; sessionId: string }): UsageRecordInput {
  return {
    requestId: "req_main",
    model: "claude-sonnet-4-5",
    serviceTier: null,
    speed: null,
    inputTokens: 10,
    outputTokens: 90,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 5,
    webSearchRequests: 0,
    webFetchRequests: 0,
    isSidechain: false,
    occurredAt: "2026-03-01T12:00:02.000Z",
    ...over,
  };
}

it("keeps the winning line whole: on equal totals the main thread's line replaces a sidechain replay sent first, never the other way", async () => {
  const [messageId, sessionId] = [`msg_${uniqueSlug("tie")}`, uniqueSlug("s")];
  const row = () => h.db.usageRecord.findUniqueOrThrow({ where: { usageKey: messageId } });
  const hourly = async (hour: string) =>
    (await h.db.usageHourly.findMany({ where: { hour: new Date(hour), model: "claude-sonnet-4-5" } })).reduce(
      (n, r) => n + Number(r.totalTokens),
      0,
    );
  const [h11, h12] = [await hourly("2026-03-01T11:00:00Z"), await hourly("2026-03-01T12:00:00Z")];

  // The sidechain replay, read first (the live tailer saw the sub-agent file a poll earlier).
  const replay = line({
    messageId,
    sessionId,
    requestId: "req_replay",
    isSidechain: true,
    occurredAt: "2026-03-01T11:59:59.000Z",
  });
  expect(await writeLedger(h.deps, IMPORT, [replay])).toBe(1);
  expect(await row()).toMatchObject({ isSidechain: true, requestId: "req_replay", totalTokens: 105n });

  // The main thread's line, 10 + 90 + 5 = 105 tokens too: it takes the row, whole.
  await writeLedger(h.deps, IMPORT, [line({ messageId, sessionId })]);
  const kept = await row();
  expect(kept).toMatchObject({ isSidechain: false, requestId: "req_main", totalTokens: 105n });
  expect(kept.occurredAt.toISOString()).toBe("2026-03-01T12:00:02.000Z");
  // The hourly rollup moved the response from 11:00 to 12:00 with it.
  expect([(await hourly("2026-03-01T11:00:00Z")) - h11, (await hourly("2026-03-01T12:00:00Z")) - h12]).toEqual([
    0, 105,
  ]);

  // Another replay of equal total changes nothing; a larger line of any thread wins.
  await writeLedger(h.deps, IMPORT, [{ ...replay, requestId: "req_replay2" }]);
  expect(await row()).toMatchObject({ isSidechain: false, requestId: "req_main" });
  await writeLedger(h.deps, IMPORT, [{ ...replay, outputTokens: 190 }]);
  expect(await row()).toMatchObject({ isSidechain: true, outputTokens: 190n, totalTokens: 205n });
});

it("an import's larger line of a response wins whatever session's file holds it (a fork's copy); the row stays with the session that counted it first", async () => {
  const project = await h.deps.db.project.create({
    data: { name: uniqueSlug("fork"), path: `/srv/${uniqueSlug("f")}` },
  });
  const who = { runnerId: null, projectId: project.id, nodeId: null };
  const [messageId, original, fork] = [`msg_${uniqueSlug("fk")}`, uniqueSlug("s"), uniqueSlug("s")];
  expect(await writeLedger(h.deps, who, [line({ messageId, sessionId: original, outputTokens: 90 })])).toBe(1);
  // The fork's file holds the response's last snapshot: 777 more output tokens.
  expect(await writeLedger(h.deps, who, [line({ messageId, sessionId: fork, outputTokens: 867 })])).toBe(1);
  const row = await h.db.usageRecord.findUniqueOrThrow({ where: { usageKey: messageId } });
  expect(row).toMatchObject({ sessionId: original, outputTokens: 867n, totalTokens: 10n + 867n + 5n });
  // The smaller line again, from either file, changes nothing.
  expect(await writeLedger(h.deps, who, [line({ messageId, sessionId: original, outputTokens: 90 })])).toBe(0);
  // An import into another project is not this response's owner: it never raises the row.
  const other = await h.deps.db.project.create({ data: { name: uniqueSlug("fork"), path: `/srv/${uniqueSlug("g")}` } });
  expect(
    await writeLedger(h.deps, { ...who, projectId: other.id }, [
      line({ messageId, sessionId: fork, outputTokens: 5000 }),
    ]),
  ).toBe(0);
  // Imports in no project are no one's project: one never raises another's row.
  const homeless = `msg_${uniqueSlug("nul")}`;
  expect(
    await writeLedger(h.deps, IMPORT, [line({ messageId: homeless, sessionId: original, outputTokens: 90 })]),
  ).toBe(1);
  expect(await writeLedger(h.deps, IMPORT, [line({ messageId: homeless, sessionId: fork, outputTokens: 5000 })])).toBe(
    0,
  );
});
