import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createScratchDatabase, uniqueSlug } from "@stratavore/db/testing";
import { FleetHarness, waitFor, type AgentProcess } from "./testing/fleet-harness.ts";

/**
 * Subscription windows (usage/windows-service.ts): an account's 5-hour window fills as its
 * node's runners spend; a budget on the 5-hour window bites. Expected figures come from the
 * transcript the fake claude wrote on the node, not from the ledger the code under test reads.
 */
let h: FleetHarness;
let agent: AgentProcess;

beforeAll(async () => {
  h = await FleetHarness.start(await createScratchDatabase(inject("adminUrl"), "windows"));
  agent = await h.startAgent(uniqueSlug("win"));
}, 60_000);

afterAll(() => h?.stop());

/** input + output tokens and the times of each distinct response in a node's transcripts. */
async function spentOnNode(home: string): Promise<{ counted: number; times: number[] }> {
  const seen = new Map<string, { counted: number; at: number }>();
  for (const e of await readdir(home, { recursive: true, withFileTypes: true }))
    if (e.name.endsWith(".jsonl"))
      for (const line of (await readFile(join(e.parentPath, e.name), "utf8")).split("\n").filter(Boolean)) {
        const l = JSON.parse(line) as {
          type: string;
          timestamp: string;
          message?: { id?: string; usage?: { input_tokens: number; output_tokens: number } };
        };
        if (l.type === "assistant" && l.message?.id && l.message.usage)
          seen.set(l.message.id, {
            counted: l.message.usage.input_tokens + l.message.usage.output_tokens,
            at: Date.parse(l.timestamp),
          });
      }
  const all = [...seen.values()];
  return { counted: all.reduce((n, r) => n + r.counted, 0), times: all.map((r) => r.at) };
}

describe("subscription windows", () => {
  it("an account's 5-hour window fills with its node's spend and says when it resets; a budget on the window pauses", async () => {
    const account = uniqueSlug("team");
    const empty = await h.api.windows.set({
      name: account,
      plan: "custom",
      windowTokenLimit: 400,
      weeklyTokenLimit: 4000,
      nodes: [agent.name],
    });
    expect(empty).toMatchObject({ windowTokens: 0, active: false, windowTokenLimit: 400, weeklyTokens: 0 });
    const preset = await h.api.windows.set({ name: uniqueSlug("pro"), plan: "pro" });
    expect(preset.windowTokenLimit).toBe(19_000);

    const project = await h.api.projects.create({ name: uniqueSlug("win"), path: h.tmp });
    const budget = await h.api.budgets.create({
      name: uniqueSlug("window"),
      scope: "project",
      scopeRef: project.name,
      period: "five_hour",
      limitTokens: 1_000_000,
      action: "pause",
    });
    const r = await h.api.runners.launch({ project: project.name, prompt: "first" });
    for (const p of ["second prompt here", "third prompt, a longer one to spend a little more"]) {
      await waitFor("idle", async () => ((await h.api.runners.get({ id: r.id })).activity === "idle" ? true : null));
      h.server.deps.fleet.agents.input(r.nodeId!, r.id, `${p}\r`);
    }
    await waitFor("three responses in the ledger", async () =>
      (await h.db.usageRecord.count({ where: { runnerId: r.id } })) === 3 ? true : null,
    );
    const expected = await spentOnNode(agent.home);
    expect(expected.times).toHaveLength(3);
    const w = (await h.api.windows.list()).find((x) => x.name === account)!;
    expect(w.active).toBe(true);
    expect(w.windowTokens).toBe(expected.counted);
    expect(w.weeklyTokens).toBe(expected.counted);
    expect(w.windowShare).toBeCloseTo(expected.counted / 400, 10);
    expect(w.weeklyShare).toBeCloseTo(expected.counted / 4000, 10);
    // The window began at the hour of the first response and resets five hours later.
    const first = new Date(Math.min(...expected.times));
    first.setUTCMinutes(0, 0, 0);
    expect(w.windowStart.toISOString()).toBe(first.toISOString());
    expect(w.resetsAt.getTime()).toBe(first.getTime() + 5 * 3_600_000);
    expect(w.nodes).toEqual([agent.name]);

    // The budget on the project's 5-hour window counts the same window and pauses once over.
    const view = await h.api.budgets.get({ id: budget.id });
    expect(view.periodStart.toISOString()).toBe(first.toISOString());
    expect(view.periodEnd.getTime()).toBe(w.resetsAt.getTime());
    await h.api.budgets.update({ id: budget.id, limitTokens: 1 });
    await waitFor("paused by the window's budget", async () => {
      const x = await h.api.runners.get({ id: r.id });
      return x.status === "paused" && x.pausedByBudgetId === budget.id ? x : null;
    });
    await h.api.runners.kill({ id: r.id });
    await h.api.windows.delete({ name: account });
    await expect(h.api.windows.delete({ name: account })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(h.api.windows.set({ name: "x", plan: "custom" })).rejects.toThrow(
      /custom plan needs windowTokenLimit/,
    );
  }, 90_000);
});
