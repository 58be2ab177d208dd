import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { cgroupFreezeState, isAlive, readProcStat, snapshotDescendants } from "@stratavore/runner";
import { writeLedger } from "@stratavore/api";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";
import { countTranscripts } from "./testing/transcript-count.ts";

let h: FleetHarness;
let workdir: string;
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => "OK",
    (e: unknown) => (e instanceof TRPCError ? (e.cause as { code?: string }).code : String(e)),
  );

beforeAll(async () => {
  h = await FleetHarness.start(workerDatabase(inject("databaseUrls")));
  workdir = join(h.tmp, "checkout");
  await mkdir(workdir, { recursive: true });
});
afterAll(() => h?.stop());

async function projectWithBusyAgent(runners: number) {
  const node = uniqueSlug("spend");
  // Every fake claude writes one assistant response (with usage) every 500 ms.
  const agent = await h.startAgent(node, { capacity: runners + 5, env: { FAKE_CLAUDE_USAGE_EVERY_MS: "500" } });
  const project = await h.api.projects.create({
    name: uniqueSlug("spend"),
    path: workdir,
    maxRunners: Math.max(runners, 1),
  });
  return { node, project, agent };
}

describe("budgets bite", () => {
  it("20 runners spending at once are all paused (frozen; state T without cgroups) within moments of the limit, overshooting by at most one response each; raising the limit thaws them", async () => {
    const { node, project, agent } = await projectWithBusyAgent(20);
    // Launched under the budget (each launch carries its allowance), with room until all twenty
    // run: spawning twenty claudes on a loaded machine takes seconds, and an exceeded budget
    // refuses launches. Then the limit comes down to 40,000 tokens above what they have spent.
    const budget = await h.api.budgets.create({
      name: uniqueSlug("cap"),
      scope: "project",
      scopeRef: project.name,
      period: "daily",
      limitTokens: 100_000_000,
      action: "pause",
    });
    const runners = await Promise.all(
      Array.from({ length: 20 }, () => h.api.runners.launch({ project: project.name, node })),
    );
    await waitFor(
      "all 20 spending",
      async () =>
        (await h.db.usageRecord.groupBy({ by: ["runnerId"], where: { projectId: project.id } })).length === 20,
      60_000,
    );
    const used = async () =>
      Number(
        (await h.db.usageRecord.aggregate({ where: { projectId: project.id }, _sum: { totalTokens: true } }))._sum
          .totalTokens ?? 0,
      );
    // What the runners have written, counted from their transcripts by a separate, simple counter
    // (each message id once, at its largest line). The ledger trails the files by the agent's
    // ship cycle, more on a loaded machine: a limit set above the ledger alone let spend
    // written before the budget came down read as overshoot (888,620 > 673,260 with three test
    // files at once). The agent's meter counts what it has read, shipped or not, so this is
    // the spend the allowances are measured against.
    const written = () => countTranscripts(join(agent.home, ".claude", "projects")).tokens;
    const limit = written() + 40_000;
    await h.api.budgets.update({ id: budget.id, limitTokens: limit });
    await waitFor(
      "budget exceeded",
      async () => (await h.api.budgets.get({ id: budget.id })).state === "exceeded",
      60_000,
    );
    await waitFor(
      "all 20 paused",
      async () => (await h.api.runners.list({ project: project.name, status: "paused" })).length === 20,
      20_000,
    );
    const freezes = (await h.api.nodes.get({ ref: node })).capabilities?.pause === "freeze";
    for (const r of runners) {
      const tree = snapshotDescendants(r.pid!);
      await waitFor(`runner ${r.id} stopped`, async () =>
        tree.every((pid) => (freezes ? cgroupFreezeState(pid) === "frozen" : readProcStat(pid)?.state === "T")),
      );
    }
    // Its share spent (at the agent), the whole budget, or a release finding its share still
    // spent: each says so in the same words, which the dashboard links by the budget's name.
    for (const r of await h.api.runners.list({ project: project.name, status: "paused" })) {
      expect(r.pausedByBudgetId).toBe(budget.id);
      expect(r.pauseReason).toMatch(new RegExp(`^paused by budget '${budget.name}'[: ]`));
    }
    // Everything written before the pause lands — the ledger then equals the files, no response
    // lost or counted twice — and the overshoot is measured from the files: at most one
    // response in flight per runner, the largest any of them wrote.
    await waitFor("the ledger holds every response written", async () => (await used()) === written(), 30_000);
    const after = await h.api.budgets.get({ id: budget.id });
    expect(after.usedTokens).toBe(written());
    const biggestResponse = await h.db.usageRecord.aggregate({
      where: { projectId: project.id },
      _max: { totalTokens: true },
    });
    const overshoot = after.usedTokens - limit;
    expect(overshoot).toBeGreaterThan(-1);
    expect(overshoot).toBeLessThanOrEqual(20 * Number(biggestResponse._max.totalTokens));
    // Told once, however many evaluations raced to say it.
    const told = await h.db.event.groupBy({
      by: ["type"],
      where: { entityId: budget.id, type: { in: ["budget.warning", "budget.exceeded"] } },
      _count: true,
    });
    expect(Object.fromEntries(told.map((t) => [t.type, t._count]))).toEqual({
      "budget.warning": 1,
      "budget.exceeded": 1,
    });

    // Unpause is refused while the budget is exceeded; raising the limit thaws every runner it paused.
    expect(await codeOf(h.api.runners.unpause({ id: runners[0]!.id }))).toBe("BUDGET_BLOCKED");
    // Before the limit, runners that spent their share were thawed as the share was rebalanced
    // (budget.released "under its limit"); what matters here is the release the raise causes.
    const raisedAt = new Date();
    await h.api.budgets.update({ id: budget.id, limitTokens: 100_000_000 });
    expect((await h.api.runners.list({ project: project.name, status: "running" })).length).toBe(20);
    for (const r of runners) expect(snapshotDescendants(r.pid!).map(cgroupFreezeState)).not.toContain("frozen");
    const released = await h.db.event.findMany({
      where: { entityId: budget.id, type: "budget.released", createdAt: { gte: raisedAt } },
      select: { data: true },
    });
    expect(released).toHaveLength(1);
    expect(released[0]!.data as { runners: string[]; why: string }).toMatchObject({ why: "under its limit" });
    expect((released[0]!.data as { runners: string[] }).runners).toHaveLength(20);
    await Promise.all(runners.map((r) => h.api.runners.kill({ id: r.id })));
  }, 120_000);

  it("lifting a budget (disabling it) thaws only what the budget paused; a runner a person paused stays paused", async () => {
    const { node, project } = await projectWithBusyAgent(2);
    const [mine, theirs] = await Promise.all([
      h.api.runners.launch({ project: project.name, node }),
      h.api.runners.launch({ project: project.name, node }),
    ]);
    const byHand = await h.api.runners.pause({ id: mine.id });
    expect(byHand.pauseReason).toMatch(/^paused by /);
    const budget = await h.api.budgets.create({
      name: uniqueSlug("lift"),
      scope: "project",
      scopeRef: project.name,
      period: "daily",
      limitTokens: 5_000,
      action: "pause",
    });
    const held = await h.runnerWhen(theirs.id, "paused by the budget", "paused", 30_000);
    expect(held.pausedByBudgetId).toBe(budget.id);
    const raisedAt = new Date(); // before it, share rebalancing may have released and paused again
    await h.api.budgets.update({ id: budget.id, enabled: false });
    expect(await h.api.runners.get({ id: theirs.id })).toMatchObject({
      status: "running",
      pauseReason: null,
      pausedByBudgetId: null,
    });
    expect(await h.api.runners.get({ id: mine.id })).toMatchObject({
      status: "paused",
      pauseReason: byHand.pauseReason,
    });
    const released = await h.db.event.findMany({
      where: { entityId: budget.id, type: "budget.released", createdAt: { gte: raisedAt } },
      select: { data: true },
    });
    expect(released.map((e) => e.data)).toEqual([{ runners: [theirs.id], why: "disabled", name: budget.name }]);
    // The runner's own timeline says who thawed it, as it said who paused it.
    const thaws = (await h.api.runners.timeline({ id: theirs.id })).filter(
      (e) => e.type === "runner.unpaused" && e.at >= raisedAt,
    );
    expect(thaws.map((e) => e.data["reason"])).toEqual([`thawed: budget '${budget.name}' disabled`]);
    await Promise.all([mine, theirs].map((r) => h.api.runners.kill({ id: r.id })));
  }, 60_000);

  it("deleting a budget thaws what it paused, and the runner's timeline names the deleted budget", async () => {
    const { node, project } = await projectWithBusyAgent(1);
    const r = await h.api.runners.launch({ project: project.name, node });
    const budget = await h.api.budgets.create({
      name: uniqueSlug("gone"),
      scope: "project",
      scopeRef: project.name,
      period: "daily",
      limitTokens: 5_000,
      action: "pause",
    });
    await h.runnerWhen(r.id, "paused by the budget", "paused", 30_000);
    const deletedAt = new Date();
    await h.api.budgets.delete({ id: budget.id });
    expect(await h.api.runners.get({ id: r.id })).toMatchObject({ status: "running", pausedByBudgetId: null });
    const thaws = (await h.api.runners.timeline({ id: r.id })).filter(
      (e) => e.type === "runner.unpaused" && e.at >= deletedAt,
    );
    expect(thaws.map((e) => e.data["reason"])).toEqual([`thawed: budget '${budget.name}' deleted`]);
    // Its release names it too: announcements have no budget row left to read the name from.
    const released = await h.db.event.findFirst({ where: { type: "budget.released", entityId: budget.id } });
    expect(released?.data).toEqual({ runners: [r.id], why: "deleted", name: budget.name });
    await h.api.runners.kill({ id: r.id });
  }, 60_000);

  it("block_launch refuses launches in scope with an error naming the budget; terminate stops the runners", async () => {
    const { node, project } = await projectWithBusyAgent(2);
    const blocker = await h.api.budgets.create({
      name: uniqueSlug("blocker"),
      scope: "project",
      scopeRef: project.name,
      period: "hourly",
      limitTokens: 1000,
      action: "terminate",
    });
    const r = await h.api.runners.launch({ project: project.name, node });
    const tree = snapshotDescendants(r.pid!);
    await waitFor(
      "terminated by the budget",
      async () => (await h.api.runners.get({ id: r.id })).status === "terminated",
      30_000,
    );
    await waitFor("its processes gone", async () => tree.every((pid) => !isAlive(pid)));
    // It says which budget ended it (it read "stopped", like a stop by hand: the real-claude review).
    expect((await h.api.runners.get({ id: r.id })).endReason).toMatch(
      new RegExp(`^stopped by budget '${blocker.name}' \\(\\d+ % of 1000 tokens\\)$`),
    );
    const refused = await h.api.runners.launch({ project: project.name, node }).then(
      () => null,
      (e: TRPCError) => e,
    );
    expect((refused?.cause as { code?: string }).code).toBe("BUDGET_BLOCKED");
    expect(refused?.message).toContain(blocker.name);
    // Worded for people: grouped digits, a time in UTC (it read "…; it resets 2026-12-03T00:00:00.000Z").
    expect(refused?.message).toMatch(/: [\d,]+ of 1,000 tokens; it resets \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    const events = await h.db.event.findMany({ where: { entityId: blocker.id }, select: { type: true } });
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["budget.created", "budget.warning", "budget.exceeded"]),
    );
  }, 60_000);
});

describe("the ledger", () => {
  it("counts usage from real transcripts per runner and is idempotent (same batch twice changes nothing)", async () => {
    const { node, project } = await projectWithBusyAgent(1);
    const r = await h.api.runners.launch({ project: project.name, node });
    await waitFor(
      "some usage",
      async () => (await h.api.usage.query({ project: project.name, by: "runner" })).totals.requests >= 3,
      30_000,
    );
    await h.api.runners.stop({ id: r.id });
    await waitFor("stopped", async () => (await h.api.runners.get({ id: r.id })).status === "terminated");
    await new Promise((res) => setTimeout(res, 800));
    const before = await h.api.usage.query({ project: project.name, by: "model" });
    expect(before.rows[0]?.group).toBe("claude-sonnet-4-5");
    expect(before.totals.costUsd).toBeGreaterThan(0);
    const rows = await h.db.usageRecord.findMany({ where: { runnerId: r.id } });
    const replay = rows.map((u) => ({
      messageId: u.messageId,
      requestId: u.requestId,
      sessionId: u.sessionId!,
      model: u.model,
      serviceTier: u.serviceTier,
      speed: u.speed,
      inputTokens: Number(u.inputTokens),
      outputTokens: Number(u.outputTokens),
      cacheWrite5mTokens: Number(u.cacheWrite5mTokens),
      cacheWrite1hTokens: Number(u.cacheWrite1hTokens),
      cacheReadTokens: Number(u.cacheReadTokens),
      webSearchRequests: u.webSearchRequests,
      webFetchRequests: u.webFetchRequests,
      isSidechain: u.isSidechain,
      occurredAt: u.occurredAt.toISOString(),
    }));
    // The same batch again, once as from its own node and once as from another: nothing changes.
    expect(await writeLedger(h.server.deps, { runnerId: r.id, projectId: project.id, nodeId: r.nodeId }, replay)).toBe(
      0,
    );
    expect(await writeLedger(h.server.deps, { runnerId: null, projectId: null, nodeId: null }, replay)).toBe(0);
    expect(await h.api.usage.query({ project: project.name, by: "model" })).toEqual(before);
  }, 60_000);

  it("a USD budget pauses a runner on a model the price table lacks, priced at its family's newest price and marked estimated", async () => {
    const { node, project } = await projectWithBusyAgent(1);
    const budget = await h.api.budgets.create({
      name: uniqueSlug("usd"),
      scope: "project",
      scopeRef: project.name,
      period: "daily",
      limitUsd: 0.02,
      action: "pause",
    });
    // claude 2.1.328's default model: in no price list.
    const r = await h.api.runners.launch({ project: project.name, node, model: "claude-opus-5-5" });
    await waitFor(
      "paused by the USD budget",
      async () => (await h.api.runners.get({ id: r.id })).status === "paused",
      30_000,
    );
    expect((await h.api.runners.get({ id: r.id })).pausedByBudgetId).toBe(budget.id);
    await new Promise((res) => setTimeout(res, 1500)); // what was written before the freeze lands
    const b = await h.api.budgets.get({ id: budget.id });
    const rows = await h.db.usageRecord.findMany({ where: { projectId: project.id } });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((u) => u.model === "claude-opus-5-5" && u.costEstimated && u.pricedAs === "claude-opus-5")).toBe(
      true,
    );
    // Independently: each row's tokens × claude-opus-5's list price ($ per M: 5, 25, 6.25, 10, 0.5).
    const expected = rows.reduce(
      (sum, u) =>
        sum +
        (Number(u.inputTokens) * 5 +
          Number(u.outputTokens) * 25 +
          Number(u.cacheWrite5mTokens) * 6.25 +
          Number(u.cacheWrite1hTokens) * 10 +
          Number(u.cacheReadTokens) * 0.5) /
          1e6,
      0,
    );
    expect(b.usedUsd).toBeCloseTo(expected, 9);
    expect(b.estimatedUsd).toBeCloseTo(expected, 9);
    expect([b.unpricedTokens, b.usedUsd >= 0.02]).toEqual([0, true]);
    await h.api.runners.kill({ id: r.id });
  }, 60_000);

  it("a USD budget over a model with no price cannot see its usage: it says so, warns once, and does not pretend $0 bites", async () => {
    const { node, project } = await projectWithBusyAgent(1);
    const budget = await h.api.budgets.create({
      name: uniqueSlug("blind"),
      scope: "project",
      scopeRef: project.name,
      period: "daily",
      limitUsd: 0.0001,
      action: "pause",
    });
    const r = await h.api.runners.launch({ project: project.name, node, model: "claude-fennec-1" });
    await waitFor(
      "three responses counted",
      async () => (await h.db.usageRecord.count({ where: { runnerId: r.id } })) >= 3,
      30_000,
    );
    const b = await h.api.budgets.get({ id: budget.id });
    const tokens = (await h.db.usageRecord.aggregate({ where: { runnerId: r.id }, _sum: { totalTokens: true } }))._sum
      .totalTokens;
    expect(b).toMatchObject({ usedUsd: 0, estimatedUsd: 0, state: "ok" });
    expect(b.unpricedTokens).toBeGreaterThan(0);
    expect(b.unpricedTokens).toBeLessThanOrEqual(Number(tokens));
    expect(await h.api.runners.get({ id: r.id })).toMatchObject({ status: "running", pauseReason: null });
    expect(await h.db.event.count({ where: { type: "budget.unpriced_usage", entityId: budget.id } })).toBe(1);
    const session = await h.api.sessions.get({ id: r.sessionId! });
    expect([session.costUsd, session.unpricedTokens > 0]).toEqual([null, true]);
    await h.api.runners.kill({ id: r.id });
  }, 60_000);
});
