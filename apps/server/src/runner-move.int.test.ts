import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Runner } from "@stratavore/contracts";
import { createScratchDatabase, uniqueSlug } from "@stratavore/db/testing";
import { FleetHarness, waitFor, type AgentProcess } from "./testing/fleet-harness.ts";

/**
 * Moving conversations between nodes (runners/move-service.ts, rebalance-service.ts): two
 * agent processes with their own homes (so their own claude folders), the fake claude in each.
 */
let h: FleetHarness;
let a: AgentProcess;
let b: AgentProcess;

beforeAll(async () => {
  h = await FleetHarness.start(await createScratchDatabase(inject("adminUrl"), "move"));
  [a, b] = await Promise.all([h.startAgent(uniqueSlug("node-a")), h.startAgent(uniqueSlug("node-b"))]);
}, 90_000);

afterAll(() => h?.stop());

const row = (id: string) => h.api.runners.get({ id });

/** The session's transcript file in a node's own claude folder, if it has one. */
async function transcriptIn(home: string, sessionId: string): Promise<string | null> {
  for (const entry of await readdir(home, { recursive: true, withFileTypes: true }).catch(() => []))
    if (entry.name === `${sessionId}.jsonl`) return readFile(join(entry.parentPath, entry.name), "utf8");
  return null;
}

const idleWith = (id: string, line: string) =>
  waitFor(`idle with "${line}"`, async () => {
    const r = await row(id);
    return r.status === "running" && r.activity === "idle" && r.activityLine === line ? r : null;
  });

describe("moving runners between nodes", () => {
  it("moves a conversation mid-way to a node that never saw it: stopped here, resumed there with its flags, usage counted once", async () => {
    const project = await h.api.projects.create({ name: uniqueSlug("move"), path: h.tmp });
    const r = await h.api.runners.launch({
      project: project.name,
      node: a.name,
      prompt: "first question",
      model: "claude-sonnet-4-5",
      extraArgs: ["--verbose"],
    });
    await idleWith(r.id, "echo: first question");
    await waitFor("its first answer in the ledger", async () =>
      (await h.db.usageRecord.count({ where: { sessionId: r.sessionId! } })) === 1 ? true : null,
    );
    expect(await transcriptIn(b.home, r.sessionId!)).toBeNull();

    // A node that cannot take it is refused before anything stops.
    await h.api.nodes.drain({ ref: b.name });
    await expect(h.api.runners.move({ id: r.id, node: b.name })).rejects.toThrow(
      /is not online \(draining\); nothing was stopped/,
    );
    // Nor is a move with no node named when no other node is online (the dashboard disables it then).
    await expect(h.api.runners.move({ id: r.id })).rejects.toThrow(/No other online node with room/);
    expect((await row(r.id)).status).toBe("running");
    await h.api.nodes.undrain({ ref: b.name });

    const moved: Runner = await h.api.runners.move({ id: r.id, node: b.name });
    expect(moved.id).not.toBe(r.id);
    expect(moved).toMatchObject({
      nodeName: b.name,
      sessionId: r.sessionId,
      model: "claude-sonnet-4-5",
      flags: ["--verbose"],
    });
    expect(moved.status).toBe("running");
    const old = await row(r.id);
    expect(old.status).toBe("terminated");
    // The conversation goes on there: the restored transcript holds the first turn, the new one follows.
    h.server.deps.fleet.agents.input(moved.nodeId!, moved.id, "second question\r");
    await idleWith(moved.id, "echo: second question");
    const there = (await transcriptIn(b.home, r.sessionId!))!;
    expect(there).toContain('"content":"first question"');
    expect(there).toContain('"content":"second question"');
    // Once each: two responses in the ledger, the one made on A still A's runner's.
    await waitFor("the second answer in the ledger", async () =>
      (await h.db.usageRecord.count({ where: { sessionId: r.sessionId! } })) === 2 ? true : null,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const usage = await h.db.usageRecord.findMany({
      where: { sessionId: r.sessionId! },
      orderBy: { occurredAt: "asc" },
    });
    expect(usage.map((u) => u.runnerId)).toEqual([r.id, moved.id]);
    // Independently: the assistant lines with usage in the transcript on B are exactly those two responses.
    const ids = there
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; message?: { id?: string; usage?: unknown } })
      .filter((l) => l.type === "assistant" && l.message?.usage)
      .map((l) => l.message!.id);
    expect(new Set(ids)).toEqual(new Set(usage.map((u) => u.messageId)));
    const timeline = await h.api.runners.timeline({ id: r.id });
    expect(timeline.find((e) => e.type === "runner.moved")?.data).toMatchObject({
      to: moved.id,
      fromNode: a.name,
      toNode: b.name,
    });
    await h.api.runners.kill({ id: moved.id });
  }, 90_000);

  it("rebalance evens out two nodes (a dry run first), and drain with migration empties one", async () => {
    const project = await h.api.projects.create({ name: uniqueSlug("even"), path: h.tmp, maxRunners: 10 });
    const runners = [];
    for (let i = 0; i < 4; i++)
      runners.push(await h.api.runners.launch({ project: project.name, node: a.name, prompt: `job ${i}` }));
    for (const r of runners) await idleWith(r.id, `echo: job ${runners.indexOf(r)}`);
    const active = async () => {
      const all = (await h.api.runners.list({ project: project.name, status: "active", limit: 100 })) as Runner[];
      return { a: all.filter((r) => r.nodeName === a.name).length, b: all.filter((r) => r.nodeName === b.name).length };
    };
    expect(await active()).toEqual({ a: 4, b: 0 });
    const plan = await h.api.nodes.rebalance({ dryRun: true });
    expect(plan).toHaveLength(2);
    expect(plan.every((m) => m.from === a.name && m.to === b.name && !m.newRunnerId)).toBe(true);
    expect(await active()).toEqual({ a: 4, b: 0 });
    const done = await h.api.nodes.rebalance({ dryRun: false });
    expect(done.map((m) => [m.from, m.to, Boolean(m.newRunnerId), m.error ?? null])).toEqual([
      [a.name, b.name, true, null],
      [a.name, b.name, true, null],
    ]);
    expect(await active()).toEqual({ a: 2, b: 2 });
    expect(await h.api.nodes.rebalance({ dryRun: true })).toEqual([]);

    const evacuated = await h.api.nodes.evacuate({ ref: a.name });
    expect(evacuated).toHaveLength(2);
    expect(evacuated.every((m) => m.to === b.name && m.newRunnerId && !m.error)).toBe(true);
    expect(await active()).toEqual({ a: 0, b: 4 });
    expect((await h.api.nodes.get({ ref: a.name })).status).toBe("draining");
    await h.api.nodes.undrain({ ref: a.name });
    for (const r of (await h.api.runners.list({ project: project.name, status: "active", limit: 100 })) as Runner[])
      await h.api.runners.kill({ id: r.id });
  }, 120_000);
});
