import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { createHarness } from "../testing/api-harness.ts";
import { evaluateBudgets } from "./enforcement.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

describe("budget enforcement", () => {
  it("a pause that cannot happen (its node unreachable) is logged and audited as budget.action_failed, not swallowed", async () => {
    const { api } = await h.as("admin");
    const project = await api.projects.create({ name: uniqueSlug("enf"), path: "/srv/enf" });
    // A node whose agent is not connected to this process: the freeze cannot be delivered.
    const node = await h.node();
    const runner = await h.runningRunner(project.id, node.id);
    const budget = await api.budgets.create({
      name: uniqueSlug("cap"),
      scope: "project",
      scopeRef: project.name,
      period: "daily",
      limitTokens: 10,
      action: "pause",
    });
    await h.db.usageRecord.create({
      data: {
        usageKey: randomUUID(),
        messageId: randomUUID(),
        projectId: project.id,
        runnerId: runner.id,
        model: "claude-sonnet-4-5",
        inputTokens: 50,
        totalTokens: 50,
        occurredAt: new Date(),
      },
    });
    const logs: string[] = [];
    await evaluateBudgets({ ...h.deps, log: (_l, msg) => logs.push(msg) }, [project.id], [runner.id]);

    const failed = await h.db.event.findMany({
      where: { entityId: budget.id, type: "budget.action_failed" },
      select: { data: true },
    });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.data).toMatchObject({
      action: "pause",
      runnerId: runner.id,
      error: expect.stringContaining("NODE_UNAVAILABLE"),
    });
    expect(logs).toContain("budget pause of a runner failed");
    expect((await api.runners.get({ id: runner.id })).status).toBe("running");
  });
});
