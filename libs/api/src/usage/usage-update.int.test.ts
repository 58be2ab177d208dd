import { randomUUID } from "node:crypto";
import { afterAll, expect, inject, it } from "vitest";
import type { UsageRecordInput } from "@stratavore/contracts";
import { usageRecordFixture } from "@stratavore/contracts/testing";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { createHarness } from "../testing/api-harness.ts";
import { ingestRunnerUsage } from "./ledger-service.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

const response = (messageId: string, sessionId: string, model: string, output: number): UsageRecordInput =>
  usageRecordFixture({ messageId, sessionId, model, outputTokens: output, cacheReadTokens: 0 });

it("usage:update carries a runner's unpriced tokens, so a live figure of them moves (it stayed at the first one)", async () => {
  const { api } = await h.as("operator");
  const project = await api.projects.create({ name: uniqueSlug("uu"), path: "/srv/uu" });
  const node = await h.node();
  const sessionId = randomUUID();
  await h.db.session.create({ data: { id: sessionId, projectId: project.id } });
  const runner = await h.runningRunner(project.id, node.id, sessionId);
  const pushed = async (after: number) => {
    for (let i = 0; i < 100; i++) {
      const last = h.bus.sent
        .slice(after)
        .filter((e) => e.event === "usage:update")
        .flatMap((e) => (e.payload as { items: { runnerId: string }[] }).items)
        .filter((i) => i.runnerId === runner.id)
        .at(-1);
      if (last) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("no usage:update for the runner");
  };
  // "sonnet" (an alias claude accepts) has no price; a known model's tokens are priced.
  let mark = h.bus.sent.length;
  await ingestRunnerUsage(h.deps, node.id, runner.id, [
    response(`msg_${uniqueSlug("a")}`, runner.sessionId!, "sonnet", 90),
  ]);
  expect(await pushed(mark)).toMatchObject({ totalTokens: 100, unpricedTokens: 100 });
  mark = h.bus.sent.length;
  await ingestRunnerUsage(h.deps, node.id, runner.id, [
    response(`msg_${uniqueSlug("b")}`, runner.sessionId!, "sonnet", 190),
    response(`msg_${uniqueSlug("c")}`, runner.sessionId!, "claude-sonnet-4-5", 40),
  ]);
  expect(await pushed(mark)).toMatchObject({ totalTokens: 100 + 200 + 50, unpricedTokens: 100 + 200 });
});
