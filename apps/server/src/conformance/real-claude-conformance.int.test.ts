import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { cgroupFreezeState, cgroupPeers, isAlive, readProcStat, snapshotDescendants } from "@stratavore/runner";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import {
  agent,
  bash,
  byKind,
  contentText,
  lastToolResult,
  startScriptedStub,
  text,
  type BillingEntry,
  type Reply,
  type ScriptedStub,
  type StubRequest,
} from "../testing/anthropic-stub.ts";
import { FleetHarness, waitFor } from "../testing/fleet-harness.ts";
import {
  CANARIES,
  hasRealClaude,
  REAL_CLAUDE,
  realClaudeAgentEnv,
  seedClaudeConfig,
  TOOL_FLAGS,
} from "./real-claude-env.ts";

/**
 * The real-claude conformance suite (issue: runner truth under the real Claude Code). The real
 * binary runs in Stratavore runners against a scripted local Messages API that answers with
 * Bash and Agent tool calls, exact usage per reply and a billing log. What it proves is what
 * the fake claude cannot: how claude's own tool wrapper, sessions and flags behave.
 */
let h: FleetHarness;
let stub: ScriptedStub;
let cwd: string;
let node: string;
let projectName: string;
let scripts: string;

/** Each runner's prompt names its scenario; a fork's history also holds its parent's, so the latest counts. */
function latestPrompt(req: StubRequest): string {
  return (
    [...req.messages]
      .reverse()
      .map((m) => (m.role === "user" ? contentText(m.content) : ""))
      .find((t) => t.includes("SCENARIO:")) ?? ""
  );
}

/** Whether this thread already called a tool since its latest prompt (then every later turn just answers). */
function toolUsedSincePrompt(req: StubRequest): boolean {
  const since =
    req.messages.length -
    1 -
    [...req.messages].reverse().findIndex((m) => m.role === "user" && contentText(m.content).includes("SCENARIO:"));
  return req.messages
    .slice(since)
    .some((m) => m.role === "assistant" && Array.isArray(m.content) && m.content.some((b) => b.type === "tool_use"));
}

function scenario(req: StubRequest): Reply {
  const prompt = latestPrompt(req);
  const tag = /SCENARIO:([\w-]+)/.exec(prompt)?.[1] ?? "none";
  const done = text(`done-${tag}`);
  // One tool call per scenario: after it (its result, or a background agent's later report) only text.
  if (lastToolResult(req) || toolUsedSincePrompt(req)) return done;
  if (tag === "loop") return bash(`sh ${join(scripts, "loop.sh")}`, "Count to 40");
  if (tag === "env") return bash("env", "Print the environment");
  if (tag === "agent") return agent("Say hello from the sub-agent.", { description: "greet" });
  // As a gateway (or Bedrock, Vertex) answers: the cache-write total without its split by TTL.
  if (tag === "forkb") return { ...done, withoutSplit: true };
  return done;
}

const script = byKind({ main: scenario, subagent: () => text("hello from the sub-agent") });

beforeAll(async () => {
  if (!hasRealClaude) return;
  [h, stub] = await Promise.all([
    FleetHarness.start(workerDatabase(inject("databaseUrls"))),
    startScriptedStub(script),
  ]);
  cwd = join(h.tmp, "conformance-checkout");
  scripts = join(h.tmp, "scripts");
  await mkdir(cwd, { recursive: true });
  await mkdir(scripts, { recursive: true });
  // 40 ticks of 0.25 s: long enough to pause in the middle, short enough for a test.
  writeFileSync(
    join(scripts, "loop.sh"),
    `i=0\nwhile [ $i -lt 40 ]; do i=$((i+1)); echo $i > "${join(scripts, "count.txt")}"; sleep 0.25; done\necho loop-finished\n`,
  );
  const config = join(h.tmp, "claude-config");
  await seedClaudeConfig(config, [cwd]);
  node = uniqueSlug("realcc");
  await h.startAgent(node, { claudeBin: REAL_CLAUDE, env: realClaudeAgentEnv(config, stub.url) });
  projectName = (await h.api.projects.create({ name: uniqueSlug("conf"), path: cwd, maxRunners: 5 })).name;
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await stub?.close();
});

const billedFor = (sessionIds: string[]) =>
  stub.billing.filter((b) => b.request.sessionId && sessionIds.includes(b.request.sessionId));
const finished = (sessionId: string, tag: string) => billedFor([sessionId]).some((b) => b.reply.text === `done-${tag}`);
const count = () =>
  Number(existsSync(join(scripts, "count.txt")) ? readFileSync(join(scripts, "count.txt"), "utf8").trim() || 0 : 0);

async function launch(tag: string) {
  const r = await h.api.runners.launch({
    project: projectName,
    node,
    prompt: `SCENARIO:${tag} please`,
    extraArgs: TOOL_FLAGS,
  });
  expect(r.status).toBe("running");
  return r;
}

async function stopAndCheckGone(runnerId: string, tree: number[]) {
  await h.api.runners.stop({ id: runnerId });
  await waitFor("terminated", async () => (await h.api.runners.get({ id: runnerId })).status === "terminated", 30_000);
  await waitFor("every process of the runner gone", async () => tree.every((pid) => !isAlive(pid)), 10_000);
}

/**
 * Every live process of a runner: claude's tree plus whatever its cgroup holds — which includes a
 * tool that left the tree (setsid'd and re-parented to PID 1), the escape this suite is about.
 */
function runnerProcesses(pid: number): number[] {
  return [...new Set([...snapshotDescendants(pid), ...cgroupPeers(pid)])].filter(isAlive);
}

describe.skipIf(!hasRealClaude)(
  "real claude conformance (skipped only when npm did not install @anthropic-ai/claude-code)",
  () => {
    it("pause freezes a running Bash tool command for 5 s without failing it; after unpause it finishes with exit 0 in claude's own tool result, nothing re-parented to PID 1; stop leaves no process", async () => {
      const r = await launch("loop");
      await waitFor("the loop counting", async () => count() >= 3, 60_000);
      const tree = runnerProcesses(r.pid!);
      expect(tree.length).toBeGreaterThanOrEqual(3); // claude, the Bash wrapper, sh loop.sh (+ sleep)
      const paused = await h.api.runners.pause({ id: r.id });
      expect(paused.status).toBe("paused");
      const caps = (await h.api.nodes.get({ ref: node })).capabilities;
      expect(caps?.pause).toBe("freeze"); // this suite is about the cgroup path; the fallback is tested with the fake
      const frozenTree = runnerProcesses(r.pid!);
      expect(frozenTree.map(cgroupFreezeState)).toEqual(frozenTree.map(() => "frozen"));
      const at = count();
      await new Promise((res) => setTimeout(res, 5000));
      expect(count()).toBe(at);
      await h.api.runners.unpause({ id: r.id });
      await waitFor("claude's tool result", async () => finished(r.sessionId!, "loop"), 60_000);
      const result = billedFor([r.sessionId!]).find((b) => b.request.lastToolResult)?.request.lastToolResult;
      expect(result?.is_error).toBe(false);
      expect(result?.text).toContain("loop-finished");
      expect(count()).toBe(40);
      const orphans = frozenTree.filter((pid) => isAlive(pid) && readProcStat(pid)?.ppid === 1);
      expect(orphans).toEqual([]);
      await stopAndCheckGone(r.id, [...new Set([...tree, ...runnerProcesses(r.pid!)])]);
    }, 180_000);

    it("a runner's environment, printed through the Bash tool, holds none of the server's secrets", async () => {
      const r = await launch("env");
      await waitFor("claude's tool result", async () => finished(r.sessionId!, "env"), 90_000);
      const env = billedFor([r.sessionId!]).find((b) => b.request.lastToolResult)?.request.lastToolResult?.text ?? "";
      expect(env).toContain("ANTHROPIC_BASE_URL="); // the output really is the environment
      for (const [name, value] of Object.entries(CANARIES)) {
        expect(env, name).not.toContain(value);
        expect(env, name).not.toMatch(new RegExp(`^${name}=`, "m"));
      }
      expect(env).not.toMatch(/^STRATAVORE_(?!RUNNER_TAG)/m);
      await stopAndCheckGone(r.id, runnerProcesses(r.pid!));
    }, 180_000);

    it("two forks of one session launched within 1 s are two sessions; the prompt after --allowedTools reaches the API; the ledger equals the stub's billing log", async () => {
      const parent = await launch("hello");
      await waitFor("the parent's reply", async () => finished(parent.sessionId!, "hello"), 90_000);
      // claude writes a response to its transcript only once its turn settles; a stop before that
      // loses it (claude was billed, nothing was written). Stop once the reply is in the ledger.
      const parentBilled = billedFor([parent.sessionId!]).map((x) => x.id);
      await waitFor(
        "the parent's reply in the ledger",
        async () =>
          (await h.db.usageRecord.count({ where: { messageId: { in: parentBilled } } })) === parentBilled.length,
        60_000,
      );
      await stopAndCheckGone(parent.id, runnerProcesses(parent.pid!));
      const [a, b] = await Promise.all([
        h.api.sessions.resume({ id: parent.sessionId!, fork: true, prompt: "SCENARIO:agent from fork a" }),
        h.api.sessions.resume({ id: parent.sessionId!, fork: true, prompt: "SCENARIO:forkb please" }),
      ]);
      expect(a.sessionId).not.toBe(b.sessionId);
      expect([a.sessionId, b.sessionId]).not.toContain(parent.sessionId);
      // The forks carry the parent runner's flags (the prompt after them still reached the API).
      expect(a.flags).toEqual(TOOL_FLAGS);
      await waitFor(
        "both forks' replies",
        async () => finished(a.sessionId!, "agent") && finished(b.sessionId!, "forkb"),
        120_000,
      );
      // Its sub-agent's request can reach the stub after the fork's reply (seen once in a loaded
      // full run: the check right after the reply found none): waited for, not read once.
      await waitFor(
        "fork a's sub-agent request billed",
        () => billedFor([a.sessionId!]).some((x) => x.subagent),
        30_000,
      );
      for (const s of [a, b])
        expect((await h.api.sessions.get({ id: s.sessionId! })).forkedFromId).toBe(parent.sessionId);

      // claude writes a response to its transcript when its turn settles, and in interactive mode
      // it runs the sub-agent in the background and answers its report in one more turn. So wait
      // for quiet (no new response for 4 s) with every billed response in the ledger.
      const sessions = [parent.sessionId!, a.sessionId!, b.sessionId!];
      const ledgerRows = (ids: string[]) =>
        h.db.usageRecord.findMany({
          where: { messageId: { in: ids } },
          select: {
            messageId: true,
            sessionId: true,
            inputTokens: true,
            outputTokens: true,
            cacheWrite5mTokens: true,
            cacheWrite1hTokens: true,
            cacheReadTokens: true,
          },
        });
      let seen = -1;
      let quietSince = Date.now();
      const ledger = await waitFor(
        "every billed response in the ledger, and claude quiet",
        async () => {
          const billedNow = billedFor(sessions);
          if (billedNow.length !== seen) [seen, quietSince] = [billedNow.length, Date.now()];
          const rows = await ledgerRows(billedNow.map((x) => x.id));
          return Date.now() - quietSince >= 4000 && new Set(rows.map((r) => r.messageId)).size === billedNow.length
            ? rows
            : null;
        },
        90_000,
        250,
      ).catch(async (err: unknown) => {
        const billedNow = billedFor(sessions);
        const have = new Set((await ledgerRows(billedNow.map((x) => x.id))).map((r) => r.messageId));
        const missing = billedNow
          .filter((x) => !have.has(x.id))
          .map((x) => ({ id: x.id, kind: x.kind, session: x.request.sessionId, reply: x.reply }));
        throw new Error(`${String(err)}; missing from the ledger: ${JSON.stringify(missing)}`);
      });
      for (const s of [a, b]) await stopAndCheckGone(s.id, runnerProcesses(s.pid!));
      const billed: BillingEntry[] = billedFor(sessions);
      expect(billed.length).toBeGreaterThanOrEqual(5); // parent 1, fork a 2 + sub-agent ≥1, fork b 1
      // The expected figures are the stub's own billing, not anything Stratavore computed.
      const expected = new Map(
        billed.map((x) => [
          x.id,
          {
            input: x.usage.input_tokens,
            output: x.usage.output_tokens,
            c5m: x.usage.cache_creation.ephemeral_5m_input_tokens,
            c1h: x.usage.cache_creation.ephemeral_1h_input_tokens,
            read: x.usage.cache_read_input_tokens,
          },
        ]),
      );
      expect(ledger).toHaveLength(expected.size); // one row per response: no fork replay counted twice
      for (const row of ledger) {
        expect(
          {
            input: Number(row.inputTokens),
            output: Number(row.outputTokens),
            c5m: Number(row.cacheWrite5mTokens),
            c1h: Number(row.cacheWrite1hTokens),
            read: Number(row.cacheReadTokens),
          },
          row.messageId,
        ).toEqual(expected.get(row.messageId));
      }
      // Each fork's own responses are in its own session.
      for (const s of [a, b]) {
        const own = billedFor([s.sessionId!]).map((x) => x.id);
        expect(
          ledger.filter((r) => own.includes(r.messageId)).every((r) => r.sessionId === s.sessionId),
          s.sessionId!,
        ).toBe(true);
      }
    }, 300_000);
  },
);
