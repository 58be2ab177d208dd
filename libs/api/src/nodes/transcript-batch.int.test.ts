import { randomUUID } from "node:crypto";
import { afterAll, expect, inject, it } from "vitest";
import type { TranscriptEntryInput, UsageRecordInput } from "@stratavore/contracts";
import { usageRecordFixture } from "@stratavore/contracts/testing";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { takeTranscriptBatch } from "./transcript-batch.ts";
import { createHarness } from "../testing/api-harness.ts";
import { assistantLine } from "../testing/assistant-line.ts";
import { ingestRunnerUsage } from "../usage/ledger-service.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

it("an agent of the release before rule 7 shipped zero-split writes as none: the archived line counts them, priced; a right row is left as it is", async () => {
  const { api } = await h.as("operator");
  const project = await api.projects.create({ name: uniqueSlug("cw"), path: "/srv/cw" });
  const node = await h.node();
  const sessionId = randomUUID();
  await h.db.session.create({ data: { id: sessionId, projectId: project.id } });
  const runner = await h.runningRunner(project.id, node.id, sessionId);
  const id = `msg_${uniqueSlug("cw")}`;
  // What claude 2.1.328 writes when the API sent the total alone: a split of zeros.
  const rawLine = assistantLine({
    id,
    sessionId,
    uuid: randomUUID(),
    timestamp: "2026-12-01T10:00:00.000Z",
    total: 2000,
    split: [0, 0],
  });
  // The old agent's record of that line: no cache writes.
  const old: UsageRecordInput = usageRecordFixture({
    messageId: id,
    sessionId,
    occurredAt: "2026-12-01T10:00:00.000Z",
  });
  await ingestRunnerUsage(h.deps, node.id, runner.id, [old]);
  const entry: TranscriptEntryInput = {
    uuid: randomUUID(),
    parentUuid: null,
    type: "assistant",
    role: "assistant",
    text: "",
    toolNames: [],
    isSidechain: false,
    timestamp: "2026-12-01T10:00:00.000Z",
    file: "",
    offset: 0,
    rawLine,
  };
  expect(await takeTranscriptBatch(h.deps, node.id, { runnerId: runner.id, sessionId, entries: [entry] })).toBe(1);
  const row = await h.db.usageRecord.findUniqueOrThrow({ where: { usageKey: id } });
  // By hand, sonnet 4.5 list prices per M: $3 in, $15 out, $3.75 5-minute writes, $0.30 read.
  expect(row).toMatchObject({
    cacheWrite5mTokens: 2000n,
    cacheWrite1hTokens: 0n,
    totalTokens: 2055n,
    runnerId: runner.id,
  });
  expect(Number(row.costUsd)).toBeCloseTo((10 * 3 + 40 * 15 + 2000 * 3.75 + 5 * 0.3) / 1e6, 9);
  // The same line archived again, or a record without writes shipped late, changes nothing.
  await takeTranscriptBatch(h.deps, node.id, { runnerId: runner.id, sessionId, entries: [entry] });
  await ingestRunnerUsage(h.deps, node.id, runner.id, [old]);
  expect((await h.db.usageRecord.findUniqueOrThrow({ where: { usageKey: id } })).totalTokens).toBe(2055n);
});
