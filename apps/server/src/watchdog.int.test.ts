import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createScratchDatabase, uniqueSlug } from "@stratavore/db/testing";
import { REAL_CLAUDE, hasRealClaude, realClaudeAgentEnv, seedClaudeConfig } from "./conformance/real-claude-env.ts";
import { lastUserText, rateLimited, startScriptedStub, type ScriptedStub } from "./testing/anthropic-stub.ts";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";
import { startWebhookReceiver } from "./testing/webhook-receiver.ts";

/**
 * The watchdog (runners/watchdog.ts): a runner looping on API errors or stalled is found from
 * its transcript and screen, shown, announced, and acted on as its project says. The fake
 * claude writes the retry notices the real one writes against a 429; the real binary is run
 * against a stand-in API that rate-limits every request.
 */
let h: FleetHarness;
let stub: ScriptedStub;
let hookSecret = "";
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  const url = await createScratchDatabase(inject("adminUrl"), "watchdog");
  [h, stub, hooks] = await Promise.all([
    FleetHarness.start(url),
    // By what was asked: a hung call, a slow stream, or (the rest) a rate limit on every request.
    startScriptedStub((req) => {
      const asked = lastUserText(req);
      if (asked.includes("please hang")) return { text: "too late", hangMs: 120_000 };
      if (asked.includes("answer slowly"))
        return { text: "one two three four five six seven eight nine ten eleven twelve.", streamEveryMs: 1000 };
      return rateLimited();
    }),
    startWebhookReceiver(() => hookSecret),
  ]);
  const channel = await h.api.channels.create({
    name: uniqueSlug("watch"),
    config: { kind: "webhook", url: hooks.url },
    eventFilter: ["runner.stalled", "runner.error_loop"],
  });
  hookSecret = channel.webhookSecret!;
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await stub?.close();
  await hooks?.close();
});

const row = (id: string) => h.api.runners.get({ id });
type RunnerRow = Awaited<ReturnType<typeof row>>;

/**
 * Reads the runner until `until` answers, pressing Enter once at its first dialog: the real
 * claude's first screen may be the auto-mode dialog (see runner-activity.int), Enter keeps it.
 */
async function pastFirstDialog<T>(
  r: { id: string; nodeId: string | null },
  what: string,
  until: (x: RunnerRow) => T | null,
  timeoutMs: number,
  everyMs?: number,
): Promise<T> {
  let answered = false;
  return waitFor(
    what,
    async () => {
      const x = await row(r.id);
      if (x.activity === "waiting" && !answered) {
        answered = true;
        h.server.deps.fleet.agents.input(r.nodeId!, r.id, "\r");
      }
      return until(x);
    },
    timeoutMs,
    everyMs,
  );
}
const told = (runnerId: string) =>
  [...hooks.unique.values()].filter((d) => String(d.body["url"]).endsWith(`/runners/${runnerId}`));

describe("watchdog", () => {
  it("a runner looping on rate limits is found from its screen, announced once, and paused when its project says so", async () => {
    const node = uniqueSlug("loop");
    await h.startAgent(node, { env: { FAKE_CLAUDE_MODE: "api-errors" } });
    const project = await h.api.projects.create({ name: uniqueSlug("loop"), path: h.tmp });
    await h.api.projects.update({ id: project.id, watchdogOnErrorLoop: "pause" });
    const r = await h.api.runners.launch({ project: project.name, node, prompt: "refactor the parser" });
    const paused = await waitFor("paused by the watchdog", async () => {
      const x = await row(r.id);
      return x.status === "paused" ? x : null;
    });
    expect(paused.watchdog).toBe("error_loop");
    // Read from its screen, where claude shows each retry (it writes none to the transcript).
    expect(paused.watchdogDetail).toMatch(
      /^retrying an API error, attempt [3-6] of 10: 429 Number of request tokens has exceeded your per-minute rate limit$/,
    );
    expect(paused.pauseReason).toBe(`paused by the watchdog: ${paused.watchdogDetail}`);
    const timeline = await h.api.runners.timeline({ id: r.id });
    const types = timeline.map((e) => e.type);
    expect(types.indexOf("runner.error_loop")).toBeGreaterThan(-1);
    expect(types.indexOf("runner.paused")).toBeGreaterThan(types.indexOf("runner.error_loop"));
    const delivery = await waitFor("the announcement", async () => told(r.id)[0], 20_000, 100);
    expect(delivery.signatureValid).toBe(true);
    expect(delivery.body).toMatchObject({ event: "runner.error_loop", severity: "critical" });
    expect(String(delivery.body["title"])).toMatch(/is looping on API errors: .* \(paused\)$/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(told(r.id)).toHaveLength(1);
    await h.api.runners.kill({ id: r.id });
  }, 60_000);

  it("a runner whose turn never moves is stalled after the project's stall time: shown on the list, then restarted and recovered", async () => {
    const node = uniqueSlug("stall");
    await h.startAgent(node, { env: { FAKE_CLAUDE_MODE: "stall" } });
    const project = await h.api.projects.create({ name: uniqueSlug("stall"), path: h.tmp });
    await h.api.projects.update({ id: project.id, watchdogStallSeconds: 5 });
    const r = await h.api.runners.launch({ project: project.name, node, prompt: "think hard" });
    const working = await waitFor("working", async () =>
      (await row(r.id)).activity === "working" ? Date.now() : null,
    );
    const stalled = await waitFor("stalled", async () => {
      const x = await row(r.id);
      return x.watchdog === "stalled" ? x : null;
    });
    // Not before the stall time (5 s of an unchanged screen and transcript).
    expect(stalled.watchdogSince!.getTime() - stalled.activityAt!.getTime()).toBeGreaterThanOrEqual(5000);
    expect(Date.now() - working).toBeGreaterThanOrEqual(4000);
    expect(stalled.watchdogDetail).toMatch(/^working, but no output and no transcript growth for \d+ s$/);
    // The runners list says so in words.
    const listed = (await h.api.runners.list({ project: project.name })).find((x) => x.id === r.id)!;
    expect(listed.watchdog).toBe("stalled");
    expect(listed.status).toBe("running");
    const delivery = await waitFor("the announcement", async () => told(r.id)[0], 20_000, 100);
    expect(delivery.body).toMatchObject({ event: "runner.stalled", severity: "warning" });

    // Restart: its process is killed and the restart policy resumes the conversation.
    await h.api.projects.update({ id: project.id, watchdogOnStall: "restart" });
    const r2 = await h.api.runners.launch({ project: project.name, node, prompt: "think harder" });
    const recovered = await waitFor(
      "restarted and recovered",
      async () => {
        const x = await row(r2.id);
        return x.restartAttempts === 1 && x.status === "running" && x.watchdog === null ? x : null;
      },
      40_000,
    );
    expect(recovered.sessionId).toBe(r2.sessionId);
    const types = (await h.api.runners.timeline({ id: r2.id })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["runner.stalled", "runner.failed", "runner.recovered"]));
    expect(types.indexOf("runner.failed")).toBeGreaterThan(types.indexOf("runner.stalled"));
    const stallEvent = (await h.api.runners.timeline({ id: r2.id })).find((e) => e.type === "runner.stalled")!;
    expect(stallEvent.data).toMatchObject({ action: "restart" });
    await h.api.runners.kill({ id: r.id });
    await h.api.runners.kill({ id: r2.id });
  }, 90_000);

  it.skipIf(!hasRealClaude)(
    "the real claude against an API that rate-limits every request: its retries on screen make an API-error loop",
    async () => {
      const cwd = join(h.tmp, "real-loop");
      const config = join(h.tmp, "real-loop-config");
      await mkdir(cwd, { recursive: true });
      await seedClaudeConfig(config, [cwd]);
      const node = uniqueSlug("real-loop");
      await h.startAgent(node, { claudeBin: REAL_CLAUDE, env: realClaudeAgentEnv(config, stub.url) });
      const project = await h.api.projects.create({ name: uniqueSlug("real-loop"), path: cwd });
      const r = await h.api.runners.launch({ project: project.name, node, prompt: "say hello" });
      const looping = await pastFirstDialog(
        r,
        "an API-error loop",
        (x) => (x.watchdog === "error_loop" ? x : null),
        90_000,
      ).catch(async (err: unknown) => {
        const x = await row(r.id);
        const lines = await h.db.transcriptEntry.findMany({
          where: { sessionId: x.sessionId! },
          select: { type: true, rawLine: true },
        });
        throw new Error(
          `${String(err)}; runner ${x.status} ${x.activity} "${x.activityLine}"; ${stub.requests.length} requests; transcript: ${JSON.stringify(lines.map((l) => [l.type, l.rawLine.slice(0, 120)]))}`,
        );
      });
      expect(looping.status).toBe("running");
      expect(looping.watchdogDetail).toMatch(/^retrying an API error, attempt \d+ of 10: 429 .*rate limit$/);
      expect(stub.requests.length).toBeGreaterThanOrEqual(3);
      console.log(`real claude error loop: ${looping.watchdogDetail} after ${stub.requests.length} requests`);
      await h.api.runners.kill({ id: r.id });
    },
    120_000,
  );

  /** The real claude on a node of its own, a project with a 6 s stall time, a launched runner (its auto-mode dialog kept). */
  async function realRunner(name: string, prompt: string) {
    const cwd = join(h.tmp, name);
    const config = join(h.tmp, `${name}-config`);
    await mkdir(cwd, { recursive: true });
    await seedClaudeConfig(config, [cwd]);
    const node = uniqueSlug(name);
    await h.startAgent(node, { claudeBin: REAL_CLAUDE, env: realClaudeAgentEnv(config, stub.url) });
    const project = await h.api.projects.create({ name: uniqueSlug(name), path: cwd });
    await h.api.projects.update({ id: project.id, watchdogStallSeconds: 6 });
    const r = await h.api.runners.launch({ project: project.name, node, prompt });
    return r;
  }

  it.skipIf(!hasRealClaude)(
    "the real claude waiting on an API call that hangs is stalled after the stall time, though its spinner keeps moving",
    async () => {
      const r = await realRunner("real-hang", "please hang");
      const stalled = await pastFirstDialog(r, "stalled", (x) => (x.watchdog === "stalled" ? x : null), 60_000);
      expect(stalled.status).toBe("running");
      expect(stalled.watchdogDetail).toMatch(/^working, but no output and no transcript growth for \d+ s$/);
      console.log(`real claude hung: ${stalled.watchdogDetail}; screen: ${stalled.activityLine}`);
      await h.api.runners.kill({ id: r.id });
    },
    90_000,
  );

  it.skipIf(!hasRealClaude)(
    "the real claude streaming an answer slowly (a word a second for 13 s, stall time 6 s) is never called stalled",
    async () => {
      const r = await realRunner("real-slow", "answer slowly");
      const seen: string[] = [];
      const done = await pastFirstDialog(
        r,
        "the slow answer, idle",
        (x) => {
          seen.push(`${x.activity}/${x.watchdog ?? "-"}`);
          expect(x.watchdog).toBeNull();
          return x.activity === "idle" && /twelve/.test(x.activityLine ?? "") ? x : null;
        },
        90_000,
        500,
      );
      expect(done.watchdog).toBeNull();
      expect(seen.filter((s) => s.startsWith("working")).length).toBeGreaterThan(10);
      console.log(`real claude slow stream: ${seen.length} samples, none stalled; last line: ${done.activityLine}`);
      await h.api.runners.kill({ id: r.id });
    },
    120_000,
  );
});
