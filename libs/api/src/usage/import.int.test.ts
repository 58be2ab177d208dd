import { fileURLToPath } from "node:url";
import { afterAll, expect, inject, it } from "vitest";
import { createHarness } from "../testing/api-harness.ts";
import { importDirectory } from "../testing/import-directory.ts";
import { workerDatabase } from "@stratavore/db/testing";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());
const corpus = fileURLToPath(new URL("../../../runner/src/usage/fixtures/projects", import.meta.url));

/** The hostile corpus, parsed as `stratavore import` does, sent as its import calls do. */
const importCorpus = (api: Awaited<ReturnType<typeof h.as>>["api"]) => importDirectory(api, corpus);

/** One API response as an import sends it: only tokens in and out, the rest zero. */
const ledgerRecord = (
  sessionId: string,
  n: number,
  model: string,
  occurredAt: string,
  input: number,
  output: number,
) => ({
  messageId: `msg_${sessionId}_${n}`,
  requestId: null,
  sessionId,
  model,
  serviceTier: null,
  speed: null,
  inputTokens: input,
  outputTokens: output,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  cacheReadTokens: 0,
  webSearchRequests: 0,
  webFetchRequests: 0,
  isSidechain: false,
  occurredAt,
});

it("importing the hostile corpus twice gives identical totals, and the second run changes nothing", async () => {
  const { api } = await h.as("operator");
  const first = await importCorpus(api);
  expect(first).toBeGreaterThan(0);
  const keys = await h.db.usageRecord.findMany({
    where: { projectId: { not: null }, runnerId: null },
    select: { usageKey: true, totalTokens: true, costUsd: true },
    orderBy: { usageKey: "asc" },
  });
  const totalsAfterFirst = await api.usage.query({ by: "model", limit: 1000 });
  expect(await importCorpus(api)).toBe(0);
  expect(await api.usage.query({ by: "model", limit: 1000 })).toEqual(totalsAfterFirst);
  const again = await h.db.usageRecord.findMany({
    where: { projectId: { not: null }, runnerId: null },
    select: { usageKey: true, totalTokens: true, costUsd: true },
    orderBy: { usageKey: "asc" },
  });
  expect(again).toEqual(keys);
  // The unknown model of the corpus is flagged unpriced, not counted as $0.
  const mystery = totalsAfterFirst.rows.find((r) => r.group.startsWith("claude-mystery"));
  expect(mystery?.unpricedTokens).toBe(mystery?.totalTokens);
  expect(mystery?.costUsd).toBeNull();
});

it("dollars are null, never $0, for a row or total whose every token is unpriced; a mixed one keeps its priced dollars", async () => {
  const { api } = await h.as("operator");
  const sessionId = crypto.randomUUID();
  // An id of no known family (DESIGN §3 rule 4: unpriced), beside a priced one on another day.
  await api.usage.import({
    sessions: [
      {
        sessionId,
        cwd: `/srv/unpriced-${sessionId.slice(0, 8)}`,
        title: null,
        firstAt: null,
        lastAt: null,
        messageCount: 2,
        records: [
          ledgerRecord(sessionId, 1, "mystery-model-x", "2026-04-10T12:00:00Z", 100, 200),
          ledgerRecord(sessionId, 2, "claude-sonnet-4-5", "2026-04-11T12:00:00Z", 100_000, 0),
        ],
      },
    ],
  });
  const project = (await h.db.session.findUniqueOrThrow({ where: { id: sessionId }, select: { project: true } }))
    .project!.name;
  const byModel = await api.usage.query({ by: "model", project, limit: 10 });
  const cost = (rows: { group: string; costUsd: number | null; unpricedTokens: number }[]) =>
    Object.fromEntries(rows.map((r) => [r.group, [r.costUsd, r.unpricedTokens]]));
  // Sonnet 4.5 input: $3 per million (under the 200k long-context tier).
  expect(cost(byModel.rows)).toEqual({ "mystery-model-x": [null, 300], "claude-sonnet-4-5": [0.3, 0] });
  // Neither is estimated: one has an exact row, the other no price at all.
  expect(byModel.rows.map((r) => r.costEstimated)).toEqual([false, false]);
  expect([byModel.totals.costUsd, byModel.totals.unpricedTokens]).toEqual([0.3, 300]);
  const unpricedDay = await api.usage.query({
    by: "day",
    project,
    since: new Date("2026-04-10T00:00:00Z"),
    until: new Date("2026-04-11T00:00:00Z"),
    limit: 10,
  });
  expect(unpricedDay.rows.map((r) => r.costUsd)).toEqual([null]);
  expect([unpricedDay.totals.costUsd, unpricedDay.totals.unpricedTokens]).toEqual([null, 300]);
});

it("a report by session names each session by its title, and keeps its id as the group", async () => {
  const { api } = await h.as("operator");
  const sessionId = crypto.randomUUID();
  const title = `Titled session ${sessionId.slice(0, 6)}`;
  await api.usage.import({
    sessions: [
      {
        sessionId,
        cwd: `/srv/titled-${sessionId.slice(0, 8)}`,
        title,
        firstAt: null,
        lastAt: null,
        messageCount: 1,
        records: [ledgerRecord(sessionId, 1, "claude-sonnet-4-5", new Date().toISOString(), 10, 20)],
      },
    ],
  });
  const project = (await h.db.session.findUniqueOrThrow({ where: { id: sessionId }, select: { project: true } }))
    .project!.name;
  const report = await api.usage.query({ by: "session", project, limit: 10 });
  expect(report.rows.map((r) => [r.group, r.label])).toEqual([[sessionId, title]]);
});

it("a report by day and model splits each day's spend by model", async () => {
  const { api } = await h.as("operator");
  const sessionId = crypto.randomUUID();
  const record = (n: number, model: string, at: string, input: number, output: number) =>
    ledgerRecord(sessionId, n, model, at, input, output);
  // Noon UTC: the same calendar day in any server time zone within ±11 h.
  await api.usage.import({
    sessions: [
      {
        sessionId,
        cwd: `/srv/split-${sessionId.slice(0, 8)}`,
        title: null,
        firstAt: null,
        lastAt: null,
        messageCount: 3,
        records: [
          record(1, "claude-sonnet-4-5", "2026-03-10T12:00:00Z", 10, 20),
          record(2, "claude-haiku-4-5", "2026-03-10T12:30:00Z", 5, 5),
          record(3, "claude-sonnet-4-5", "2026-03-11T12:00:00Z", 1, 1),
        ],
      },
    ],
  });
  const project = (await h.db.session.findUniqueOrThrow({ where: { id: sessionId }, select: { project: true } }))
    .project!.name;
  const split = await api.usage.query({ by: "day_model", project, limit: 100 });
  expect(split.rows.map((r) => [r.group, r.totalTokens])).toEqual([
    ["2026-03-10|claude-haiku-4-5", 10],
    ["2026-03-10|claude-sonnet-4-5", 30],
    ["2026-03-11|claude-sonnet-4-5", 2],
  ]);
});

it("a folder with accents or in Cyrillic names its new project in Latin letters, not a mangled or generic name", async () => {
  const { api } = await h.as("operator");
  const tag = crypto.randomUUID().slice(0, 6);
  const named = async (folder: string) => {
    const sessionId = crypto.randomUUID();
    await api.usage.import({
      sessions: [
        {
          sessionId,
          cwd: `/srv/${tag}/${folder}`,
          title: null,
          firstAt: null,
          lastAt: null,
          messageCount: 1,
          records: [ledgerRecord(sessionId, 1, "claude-sonnet-4-5", "2026-04-12T12:00:00Z", 10, 10)],
        },
      ],
    });
    return (await h.db.session.findUniqueOrThrow({ where: { id: sessionId }, select: { project: true } })).project!
      .name;
  };
  // The bare a–z filter before made "rger-…" of the first and "…" alone of the second.
  expect(await named(`Ärger-${tag}`)).toBe(`arger-${tag}`);
  expect(await named(`Проекты-${tag}`)).toBe(`proekty-${tag}`);
});
