import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { TRPCError } from "@trpc/server";
import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { cgroupFreezeState, isAlive, readProcStat, snapshotDescendants } from "@stratavore/runner";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { AGENT_STOPPED } from "@stratavore/api";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";
import { countTranscripts, forEachUsage, type TranscriptUsage } from "./testing/transcript-count.ts";

let h: FleetHarness;
let workdir: string;

beforeAll(async () => {
  h = await FleetHarness.start(workerDatabase(inject("databaseUrls")));
  workdir = join(h.tmp, "checkout");
  await mkdir(workdir, { recursive: true });
});
afterAll(() => h?.stop());

const project = async (maxRunners = 5) =>
  h.api.projects.create({ name: uniqueSlug("fleet"), path: workdir, maxRunners });
/** A node of its own, with a fresh checkout and a project there: its transcripts are this test's alone. */
const ownAgentProject = async (prefix: string) => {
  const node = uniqueSlug(prefix);
  const agent = await h.startAgent(node);
  const checkout = join(h.tmp, `${node}-checkout`);
  await mkdir(checkout, { recursive: true });
  const p = await h.api.projects.create({ name: uniqueSlug(prefix), path: checkout });
  return { node, agent, checkout, p };
};
const runnerStatus = async (id: string) => (await h.api.runners.get({ id })).status;
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => "OK",
    (e: unknown) => (e instanceof TRPCError ? (e.cause as { code?: string }).code : String(e)),
  );
const scrollbackText = (id: string) =>
  h.server.deps.fleet.scrollback
    .since(id)
    .map((c) => c.data)
    .join("");

describe("runners on a real agent with the fake claude", () => {
  it("/clear in a runner's terminal moves it to claude's new session: both sessions' usage is counted (equal to the transcripts), the new one is archived, the old one stays the runner's", async () => {
    const { node, agent, checkout, p } = await ownAgentProject("clr");
    const r = await h.api.runners.launch({ project: p.name, node });
    await waitFor("banner", async () => scrollbackText(r.id).includes(r.sessionId!));
    const say = async (text: string, shown: string) => {
      h.server.deps.fleet.agents.input(r.nodeId!, r.id, `${text}\r`);
      await waitFor(shown, async () => scrollbackText(r.id).includes(shown));
    };
    await say("before the clear", "echo: before the clear");
    await say("/clear", "(no content)");
    await say("after the clear", "echo: after the clear");

    const moved = await waitFor("the runner on the new session", async () => {
      const now = await h.api.runners.get({ id: r.id });
      return now.sessionId !== r.sessionId ? now : null;
    });
    expect(moved.pastSessionIds).toEqual([r.sessionId]);
    const projects = join(agent.home, ".claude", "projects");
    const dir = join(projects, checkout.replace(/[^a-zA-Z0-9]/g, "-"));
    expect(await readFile(join(dir, `${moved.sessionId}.jsonl`), "utf8")).toContain("after the clear");
    // Every response of both transcripts, counted independently, is in the ledger: none refused.
    const expected = countTranscripts(projects);
    expect(expected.messages).toBe(2);
    const ledger = async () =>
      (await h.db.usageRecord.findMany({ where: { runnerId: r.id } })).map((u) => [u.sessionId, Number(u.totalTokens)]);
    await waitFor("both sessions in the ledger", async () => (await ledger()).length === 2);
    const rows = await ledger();
    expect(new Set(rows.map(([sessionId]) => sessionId))).toEqual(new Set([r.sessionId, moved.sessionId]));
    expect(rows.reduce((sum, [, tokens]) => sum + Number(tokens), 0)).toBe(expected.tokens);
    // The new session is archived as the runner's, in its project, and found by search.
    await waitFor(
      "the new session's lines archived",
      async () =>
        (await h.db.transcriptEntry.count({
          where: { sessionId: moved.sessionId!, text: { contains: "after the clear" } },
        })) > 0,
    );
    expect((await h.api.sessions.get({ id: moved.sessionId! })).projectId).toBe(p.id);
    expect(await h.db.event.count({ where: { type: "usage.write_refused", entityId: r.id } })).toBe(0);
    expect(await h.db.event.count({ where: { type: "archive.write_refused", entityId: r.id } })).toBe(0);
    const timeline = (await h.api.runners.timeline({ id: r.id })).map((e) => e.type);
    expect(timeline).toContain("runner.session_changed");
    await h.api.runners.stop({ id: r.id });
    await waitFor("terminated", async () => (await runnerStatus(r.id)) === "terminated");
  });

  it("/resume <id> in a runner's terminal into a session an ended runner left: the runner follows, its new usage is counted (equal to the transcript) and archived, the old rows stay the ended runner's", async () => {
    const node = uniqueSlug("rsm");
    const agent = await h.startAgent(node);
    const checkout = join(h.tmp, `${node}-checkout`);
    await mkdir(checkout, { recursive: true });
    const p = await h.api.projects.create({ name: uniqueSlug("resume"), path: checkout });
    const say = async (r: { id: string; nodeId: string | null }, text: string, shown: string) => {
      h.server.deps.fleet.agents.input(r.nodeId!, r.id, `${text}\r`);
      await waitFor(shown, async () => scrollbackText(r.id).includes(shown));
    };
    const first = await h.api.runners.launch({ project: p.name, node });
    await waitFor("banner", async () => scrollbackText(first.id).includes(first.sessionId!));
    await say(first, "in the first runner", "echo: in the first runner");
    await waitFor(
      "its response counted",
      async () => (await h.db.usageRecord.count({ where: { runnerId: first.id } })) === 1,
    );
    await h.api.runners.stop({ id: first.id });
    await waitFor("first terminated", async () => (await runnerStatus(first.id)) === "terminated");

    const second = await h.api.runners.launch({ project: p.name, node });
    await waitFor("banner", async () => scrollbackText(second.id).includes(second.sessionId!));
    await say(second, `/resume ${first.sessionId}`, `(resumed ${first.sessionId})`);
    const moved = await waitFor("the second runner on the resumed session", async () => {
      const now = await h.api.runners.get({ id: second.id });
      return now.sessionId === first.sessionId ? now : null;
    });
    expect(moved.pastSessionIds).toEqual([second.sessionId]);
    await say(second, "in the second runner", "echo: in the second runner");
    const expected = countTranscripts(join(agent.home, ".claude", "projects"));
    expect(expected.messages).toBe(2);
    const ledger = async () =>
      (await h.db.usageRecord.findMany({ where: { projectId: p.id } })).map((u) => [u.runnerId, Number(u.totalTokens)]);
    await waitFor("both responses in the ledger", async () => (await ledger()).length === 2);
    const rows = await ledger();
    expect(new Set(rows.map(([runnerId]) => runnerId))).toEqual(new Set([first.id, second.id]));
    expect(rows.reduce((sum, [, tokens]) => sum + Number(tokens), 0)).toBe(expected.tokens);
    await waitFor(
      "the second runner's lines archived in the resumed session",
      async () =>
        (await h.db.transcriptEntry.count({
          where: { sessionId: first.sessionId!, text: { contains: "in the second runner" } },
        })) > 0,
    );
    expect(await h.db.event.count({ where: { type: { endsWith: "_refused" }, entityId: second.id } })).toBe(0);
    await h.api.runners.stop({ id: second.id });
    await waitFor("second terminated", async () => (await runnerStatus(second.id)) === "terminated");
  });

  it("a sub-agent's transcript (the Task tool, in <session>/subagents/) is counted and archived live with its session", async () => {
    const { node, agent, p } = await ownAgentProject("sub");
    const r = await h.api.runners.launch({ project: p.name, node, prompt: "agent: find the login test" });
    // The answer is on screen once its last line is written (its two lines are written back to back).
    await waitFor("the answer", async () => scrollbackText(r.id).includes("echo: agent: find the login test"));
    // Independently: every response in every file under the projects folder, sub-agents' included.
    const expected = countTranscripts(join(agent.home, ".claude", "projects"));
    expect(expected.messages).toBe(3);
    const ledger = () => h.db.usageRecord.findMany({ where: { runnerId: r.id }, orderBy: { occurredAt: "asc" } });
    // The final answer is written as two lines (a partial usage first): wait for the whole of it.
    const total = (rows: Awaited<ReturnType<typeof ledger>>) => rows.reduce((n, u) => n + Number(u.totalTokens), 0);
    const rows = await waitFor("all three in the ledger, whole", async () => {
      const now = await ledger();
      return now.length === 3 && total(now) === expected.tokens ? now : null;
    });
    // The sub-agent's response: its own model, a sidechain, in the runner's session.
    expect(rows.filter((u) => u.isSidechain).map((u) => [u.model, u.sessionId])).toEqual([
      ["claude-haiku-4-5-20251001", r.sessionId],
    ]);
    const files = await waitFor("the sub-agent's lines archived", async () => {
      const entries = await h.db.transcriptEntry.findMany({
        where: { sessionId: r.sessionId! },
        select: { file: true },
      });
      const labels = [...new Set(entries.map((e) => e.file))].sort();
      return labels.length === 2 ? labels : null;
    });
    expect(files).toEqual(["", expect.stringMatching(/^agent-[0-9a-f]{6}\.jsonl$/)]);
    await h.api.runners.stop({ id: r.id });
  });

  it("a response that searched the web is counted live with its searches, each $0.01 on top of its tokens", async () => {
    const { node, agent, p } = await ownAgentProject("web");
    const r = await h.api.runners.launch({ project: p.name, node, prompt: "search: the weather" });
    const row = await waitFor("the response in the ledger", () =>
      h.db.usageRecord.findFirst({ where: { runnerId: r.id } }),
    );
    // Independently, from the transcript: the final usage of its one response, at claude-sonnet-4-5's
    // list prices ($ per million: 3 in, 15 out, 3.75 5-minute writes, 6 one-hour writes, 0.30 reads).
    let usage: TranscriptUsage | null = null;
    forEachUsage(join(agent.home, ".claude", "projects"), (_, u) => (usage = u));
    const u = usage as unknown as TranscriptUsage & { server_tool_use: { web_search_requests: number } };
    const searches = u.server_tool_use.web_search_requests;
    expect(searches).toBe(2);
    const tokensUsd =
      ((u.input_tokens ?? 0) * 3 +
        (u.output_tokens ?? 0) * 15 +
        (u.cache_creation?.ephemeral_5m_input_tokens ?? 0) * 3.75 +
        (u.cache_creation?.ephemeral_1h_input_tokens ?? 0) * 6 +
        (u.cache_read_input_tokens ?? 0) * 0.3) /
      1e6;
    expect(row.webSearchRequests).toBe(2);
    expect(Number(row.costUsd)).toBeCloseTo(tokensUsd + 0.02, 9);
    const report = await h.api.usage.query({ project: p.name, by: "day", since: new Date(Date.now() - 86_400_000) });
    expect([report.totals.webSearchRequests, report.totals.costUsd]).toEqual([2, expect.closeTo(tokensUsd + 0.02, 9)]);
    await h.api.runners.stop({ id: r.id });
  });

  it("launches in a PTY, streams output, takes input, and stop kills the whole tree", async () => {
    const node = uniqueSlug("n");
    await h.startAgent(node, { env: { FAKE_CLAUDE_MODE: "fork", FAKE_CLAUDE_PIDFILE: join(h.tmp, `${node}.pid`) } });
    const p = await project();
    const r = await h.api.runners.launch({ project: p.name, node });
    expect(r).toMatchObject({ status: "running", nodeName: node, conversationMode: "new" });
    expect(r.pid).toBeGreaterThan(0);
    expect(r.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor("banner", async () => scrollbackText(r.id).includes(r.sessionId!));

    expect(h.server.deps.fleet.agents.input(r.nodeId!, r.id, "hello there\r")).toBe(true);
    await waitFor("echo", async () => scrollbackText(r.id).includes("echo: hello there"));
    const transcript = join(
      h.agents.at(-1)!.home,
      ".claude/projects",
      workdir.replace(/[^a-zA-Z0-9]/g, "-"),
      `${r.sessionId}.jsonl`,
    );
    expect(await readFile(transcript, "utf8")).toContain("hello there");

    const grandchild = Number(
      await waitFor("grandchild pid", async () =>
        (await readFile(join(h.tmp, `${node}.pid`), "utf8").catch(() => "")).trim(),
      ),
    );
    const tree = snapshotDescendants(r.pid!);
    expect(tree).toContain(grandchild);
    expect(readProcStat(grandchild)?.session).not.toBe(readProcStat(r.pid!)?.session); // its own session, like claude's tools

    expect((await h.api.runners.stop({ id: r.id })).status).toBe("stopping");
    await waitFor("terminated", async () => (await runnerStatus(r.id)) === "terminated");
    await waitFor("no process of the tree alive", async () => tree.every((pid) => !isAlive(pid)));
    const ended = await h.api.runners.get({ id: r.id });
    // Who stopped it, as a pause says who paused (a budget's stop names the budget: budgets.int.test).
    expect(ended).toMatchObject({
      status: "terminated",
      endReason: expect.stringMatching(/^stopped by \S+@\S+$/),
      pid: null,
    });
    // Its output outlives it in the node's rotated log file.
    const after = await h.api.runners.scrollback({ id: r.id });
    expect(after.chunks.map((c) => c.data).join("")).toContain("echo: hello there");
    const timeline = (await h.api.runners.timeline({ id: r.id })).map((e) => e.type);
    expect(timeline).toEqual(["runner.launched", "runner.started", "runner.stop_requested", "runner.terminated"]);
  });

  it("keystrokes typed over a browser socket arrive in order, across the once-a-second re-checks of the typist's rights", async () => {
    const node = uniqueSlug("n");
    await h.startAgent(node);
    const p = await project();
    const r = await h.api.runners.launch({ project: p.name, node });
    await waitFor("banner", async () => scrollbackText(r.id).includes(r.sessionId!));
    const { secret } = await h.api.apiTokens.create({ name: "typist", scopes: ["read", "write"] });
    const socket = connect(h.server.url, { path: "/socket.io", transports: ["websocket"], auth: { token: secret } });
    await new Promise((resolve) => socket.once("connect", () => resolve(null)));
    const line = "the quick brown fox jumps over the lazy dog 0123456789 ".repeat(3).trim();
    // Bursts of keys (as a fast typist or a paste sends them) for over 2 s: re-checks of the
    // typist's rights (database reads) start while keys are still arriving.
    const keys = [...line];
    while (keys.length) {
      for (const ch of keys.splice(0, 8)) socket.emit("runner:input", { runnerId: r.id, data: ch });
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    socket.emit("runner:input", { runnerId: r.id, data: "\r" });
    await waitFor("the echo of the whole line", async () => scrollbackText(r.id).includes(`echo: ${line}`));
    socket.disconnect();
    await h.api.runners.stop({ id: r.id });
  });

  it("pause freezes the runner's cgroup (every process), says who paused it, and unpause thaws it; the node reports its isolation", async () => {
    const node = uniqueSlug("n");
    await h.startAgent(node);
    const caps = (await h.api.nodes.get({ ref: node })).capabilities;
    expect(caps?.isolation).not.toBeUndefined();
    const p = await project();
    const r = await h.api.runners.launch({ project: p.name, node });
    const paused = await h.api.runners.pause({ id: r.id });
    expect(paused).toMatchObject({ status: "paused", pausedByBudgetId: null });
    expect(paused.pauseReason).toMatch(/^paused by .+@/);
    const tree = snapshotDescendants(r.pid!);
    if (caps?.pause === "freeze") expect(tree.map(cgroupFreezeState)).toEqual(tree.map(() => "frozen"));
    else expect(tree.map((pid) => readProcStat(pid)?.state)).toEqual(tree.map(() => "T"));
    expect(await codeOf(h.api.runners.pause({ id: r.id }))).toBe("INVALID_TRANSITION");
    expect(await h.api.runners.unpause({ id: r.id })).toMatchObject({ status: "running", pauseReason: null });
    expect(cgroupFreezeState(r.pid!)).not.toBe("frozen");
    expect(readProcStat(r.pid!)?.state).not.toBe("T");
    await h.api.runners.kill({ id: r.id });
    await waitFor("terminated after kill", async () => (await runnerStatus(r.id)) === "terminated");
  });

  it("without cgroups (--cgroups off) the node says pause uses signals, and pause stops every process (state T)", async () => {
    const node = uniqueSlug("nocg");
    await h.startAgent(node, { cgroups: "off" });
    expect((await h.api.nodes.get({ ref: node })).capabilities).toMatchObject({ isolation: "none", pause: "signals" });
    const r = await h.api.runners.launch({ project: (await project()).name, node });
    expect((await h.api.runners.pause({ id: r.id })).status).toBe("paused");
    const tree = snapshotDescendants(r.pid!);
    await waitFor(
      "every process stopped (T)",
      async () => tree.every((pid) => readProcStat(pid)?.state === "T"),
      2000,
      10,
    );
    expect((await h.api.runners.unpause({ id: r.id })).status).toBe("running");
    await h.api.runners.kill({ id: r.id });
    await waitFor("terminated after kill", async () => (await runnerStatus(r.id)) === "terminated");
  });

  it("heartbeats carry CPU and memory of the tree", async () => {
    const node = uniqueSlug("n");
    await h.startAgent(node);
    const r = await h.api.runners.launch({ project: (await project()).name, node });
    const beat = await waitFor("a heartbeat", async () => {
      const cur = await h.api.runners.get({ id: r.id });
      return cur.lastHeartbeatAt && cur.memoryBytes ? cur : null;
    });
    expect(beat.memoryBytes).toBeGreaterThan(1_000_000);
    expect(beat.cpuPercent).toBeGreaterThanOrEqual(0);
    await h.api.runners.stop({ id: r.id });
    // Ended, it shows no figures of a process that no longer exists.
    const ended = await h.runnerWhen(r.id, "terminated", "terminated");
    expect([ended.cpuPercent, ended.memoryBytes]).toEqual([null, null]);
  });

  it("a runner killed by its project's memory limit ends with that reason (cgroup memory limit)", async () => {
    const node = uniqueSlug("hog");
    await h.startAgent(node, { env: { FAKE_CLAUDE_MODE: "hog" } });
    const caps = (await h.api.nodes.get({ ref: node })).capabilities;
    // Nodes without a writable memory cgroup cannot enforce limits; this machine has one (checked in CI).
    expect(caps?.memoryLimit).toBe(true);
    const p = await h.api.projects.create({ name: uniqueSlug("hog"), path: workdir, runnerMemoryMb: 96 });
    expect(p.runnerMemoryMb).toBe(96);
    const r = await h.api.runners.launch({ project: p.name, node });
    expect(r.memoryLimitBytes).toBe(96 * 1024 * 1024);
    const failed = await waitFor(
      "the first end",
      async () => (await h.api.runners.timeline({ id: r.id })).find((e) => e.type === "runner.failed"),
      30_000,
    );
    expect(String(failed.data.reason)).toMatch(/^killed by its memory limit \(96 MiB\); signal SIGKILL/);
    await h.api.runners.kill({ id: r.id }).catch(() => undefined);
  });

  it("an agent stopped with SIGTERM ends its runners as stopped, saying why, and no claude outlives it", async () => {
    const node = uniqueSlug("bye");
    const agent = await h.startAgent(node);
    const r = await h.api.runners.launch({ project: (await project()).name, node, prompt: "hello" });
    const running = await h.runnerWhen(r.id, "running with a pid", (x) => x.status === "running" && x.pid !== null);
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
    const ended = await h.runnerWhen(r.id, "ended", (x) => x.status !== "running");
    expect(ended).toMatchObject({ status: "terminated", endReason: AGENT_STOPPED });
    expect(isAlive(running.pid!)).toBe(false);
  });

  it("refuses a launch whose project path is missing on the node, naming the reason", async () => {
    const node = uniqueSlug("n");
    await h.startAgent(node);
    const p = await h.api.projects.create({ name: uniqueSlug("nopath"), path: "/definitely/not/here" });
    expect(await codeOf(h.api.runners.launch({ project: p.name, node }))).toBe("PATH_MISSING");
    const [failed] = await h.api.runners.list({ project: p.name });
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed!.endReason).toContain("/definitely/not/here");
    // The session made for it never held a line: it is not left in the archive.
    expect(failed!.sessionId).toBeNull();
    expect(await h.api.sessions.list({ project: p.name })).toMatchObject({ sessions: [], total: 0 });
  });

  it("a node's agent says which project folders it has (placement asks it before choosing a node)", async () => {
    const node = uniqueSlug("n");
    await h.startAgent(node);
    const here = await project();
    const gone = await h.api.projects.create({ name: uniqueSlug("nopath"), path: "/definitely/not/here/at/all" });
    const on = async (ref: string) => (await h.api.projects.folder({ ref })).nodes.find((n) => n.name === node);
    expect(await on(here.name)).toMatchObject({ present: true });
    expect(await on(gone.name)).toMatchObject({ present: false });
    expect((await h.api.nodes.list()).find((n) => n.name === node)?.capabilities).toMatchObject({ folders: true });
  });

  it('wait: "accepted" answers with the starting row; the outcome, good or refused, lands on the row', async () => {
    const node = uniqueSlug("n");
    await h.startAgent(node);
    const good = await h.api.runners.launch({ project: (await project()).name, node, wait: "accepted" });
    expect(good).toMatchObject({ status: "starting", pid: null });
    const running = await waitFor("running", async () => {
      const r = await h.api.runners.get({ id: good.id });
      return r.status === "running" && r;
    });
    expect(running.pid).toBeGreaterThan(0);
    // A refusal is not thrown at the caller, who already has its answer: the row says why.
    const p = await h.api.projects.create({ name: uniqueSlug("nopath"), path: "/definitely/not/here/either" });
    const refused = await h.api.runners.launch({ project: p.name, node, wait: "accepted" });
    expect(refused.status).toBe("starting");
    const failed = await waitFor("failed", async () => {
      const r = await h.api.runners.get({ id: refused.id });
      return r.status === "failed" && r;
    });
    expect(failed.endReason).toContain("/definitely/not/here/either");
    await h.api.runners.kill({ id: good.id });
  });

  it("a crash loop is relaunched with --resume after a backoff, at most 3 times, then ends failed", async () => {
    const node = uniqueSlug("crashy");
    await h.startAgent(node, { labels: ["crashy"], env: { FAKE_CLAUDE_MODE: "crash" } });
    const r = await h.api.runners.launch({ project: (await project()).name, node, labels: ["crashy"] });
    const final = await h.runnerWhen(
      r.id,
      "crash loop end",
      (cur) => cur.status === "failed" && !cur.nextRestartAt && cur.restartAttempts === 3,
      30_000,
    );
    // The first run crashes (exit 3); the `--resume` relaunches fail too, as a crash loop does.
    expect(final.endReason).toMatch(/^crash loop: exit code \d+ after 3 restarts/);
    expect(final.conversationMode).toBe("resume");
    const types = (await h.api.runners.timeline({ id: r.id })).map((e) => e.type);
    expect(types.filter((t) => t === "runner.restarting")).toHaveLength(3);
    expect(types.filter((t) => t === "runner.failed")).toHaveLength(4);
  });

  it("a run that lasted (restartStableMs, 3 s here) before it crashed counts its restarts afresh: no crash loop after days of rare failures", async () => {
    const node = uniqueSlug("rare");
    await h.startAgent(node, {
      labels: ["rare"],
      // Usage lines make its transcript, which the `--resume` relaunch needs to run at all.
      env: { FAKE_CLAUDE_MODE: "crash", FAKE_CLAUDE_CRASH_AFTER_MS: "4500", FAKE_CLAUDE_USAGE_EVERY_MS: "300" },
    });
    const r = await h.api.runners.launch({ project: (await project()).name, node, labels: ["rare"] });
    // Its restarts are used up by earlier failures: the next crash of a short run would end it.
    await h.db.runner.update({ where: { id: r.id }, data: { restartAttempts: 3 } });
    const back = await h.runnerWhen(
      r.id,
      "restarted after a long run",
      (cur) =>
        (cur.status === "running" && cur.restartAttempts === 1) || (cur.status === "failed" && !cur.nextRestartAt),
      30_000,
    );
    expect(back).toMatchObject({ status: "running", restartAttempts: 1, conversationMode: "resume" });
    const types = (await h.api.runners.timeline({ id: r.id })).map((e) => e.type);
    expect(types).not.toContain("runner.crash_looped");
    await h.api.runners.kill({ id: r.id });
  });
});

describe("agent loss", () => {
  it("kill -9 of the agent leaves no claude alive; the runner is lost, then failed with heartbeat_lost once its node stays away", async () => {
    const node = uniqueSlug("doomed");
    const agent = await h.startAgent(node, {
      env: { FAKE_CLAUDE_MODE: "fork", FAKE_CLAUDE_PIDFILE: join(h.tmp, `${node}.pid`) },
    });
    const r = await h.api.runners.launch({ project: (await project()).name, node });
    const grandchild = Number(
      await waitFor("grandchild pid", async () =>
        (await readFile(join(h.tmp, `${node}.pid`), "utf8").catch(() => "")).trim(),
      ),
    );
    const tree = [...new Set([...snapshotDescendants(r.pid!), grandchild])];
    agent.child.kill("SIGKILL");
    await agent.exited;
    await waitFor("every claude process gone", async () => tree.every((pid) => !isAlive(pid)), 10_000);
    const lost = await h.runnerWhen(r.id, "runner lost", "lost", 15_000, 50);
    expect(lost.lostAt).not.toBeNull();
    expect(lost.pid).toBe(r.pid); // it may still run there: the pid is kept for adoption
    const failed = await h.runnerWhen(r.id, "runner failed", "failed");
    expect(failed.endReason).toMatch(/^heartbeat_lost: its node was unreachable/);
    expect((await h.api.nodes.get({ ref: node })).status).toBe("offline");
    const types = (await h.api.runners.timeline({ id: r.id })).map((e) => e.type);
    expect(types.indexOf("runner.lost")).toBeGreaterThan(-1);
    expect(types.indexOf("runner.lost")).toBeLessThan(types.indexOf("runner.failed"));
  });

  it("a restart with no node to go to waits (one restart_deferred event, then quiet retries) without using an attempt, and runs once a node is back", async () => {
    const label = uniqueSlug("defer");
    const first = await h.startAgent(uniqueSlug("gone"), { labels: [label] });
    const r = await h.api.runners.launch({ project: (await project()).name, labels: [label], prompt: "remember me" });
    // The transcript is archived, so the session can be restored on whichever node takes it next.
    await waitFor(
      "the prompt archived",
      async () => (await h.db.transcriptEntry.count({ where: { sessionId: r.sessionId! } })) >= 2,
      15_000,
    );
    first.child.kill("SIGKILL");
    await first.exited;
    const deferrals = async () =>
      (await h.api.runners.timeline({ id: r.id })).filter((e) => e.type === "runner.restart_deferred").length;
    await waitFor("failed and deferred", async () => (await deferrals()) >= 1, 30_000, 200);
    const waiting = await h.api.runners.get({ id: r.id });
    expect(waiting).toMatchObject({ status: "failed", restartAttempts: 0 });
    expect(waiting.restartDeferredSince).not.toBeNull();
    expect(waiting.nextRestartAt).not.toBeNull();
    // Tried again (its next try moves on) without another event in the audit log.
    await h.runnerWhen(
      r.id,
      "tried again",
      (cur) => cur.nextRestartAt !== null && cur.nextRestartAt.getTime() > waiting.nextRestartAt!.getTime(),
      30_000,
    );
    expect(await deferrals()).toBe(1);
    const second = uniqueSlug("back");
    await h.startAgent(second, { labels: [label] });
    const back = await h.runnerWhen(
      r.id,
      "restarted on the new node",
      (cur) => cur.status === "running" && cur.nodeName === second,
      30_000,
    );
    // Its node's loss was not its own crash: no attempt used (lostWithItsNode).
    expect(back).toMatchObject({ restartAttempts: 0, sessionId: r.sessionId, restartDeferredSince: null });
    await h.api.runners.kill({ id: r.id });
  });

  it("a failed runner waiting for its restart can be stopped: it is not restarted, and says who stopped it; 'only the restart' never stops a run", async () => {
    const label = uniqueSlug("cancel");
    const first = await h.startAgent(uniqueSlug("gone"), { labels: [label] });
    const r = await h.api.runners.launch({ project: (await project()).name, labels: [label] });
    first.child.kill("SIGKILL");
    await first.exited;
    await h.runnerWhen(
      r.id,
      "failed, waiting to restart",
      (cur) => cur.status === "failed" && !!cur.nextRestartAt,
      30_000,
    );
    // It was refused as RUNNER_NOT_ACTIVE, with no control in the dashboard (the real-claude review).
    const stopped = await h.api.runners.stop({ id: r.id });
    expect(stopped).toMatchObject({ status: "failed", nextRestartAt: null, restartDeferredSince: null });
    expect(stopped.endReason).toMatch(/; restart cancelled: stopped by \S+@\S+$/);
    expect((await h.api.runners.timeline({ id: r.id })).map((e) => e.type)).toContain("runner.restart_cancelled");
    // A node that could take it comes back: nothing restarts it.
    await h.startAgent(uniqueSlug("back"), { labels: [label] });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await h.api.runners.get({ id: r.id })).toMatchObject({ status: "failed", nextRestartAt: null });
    // Stopping it again is refused as before: it has ended.
    await expect(h.api.runners.stop({ id: r.id })).rejects.toThrow("The runner is failed.");
    // "Don't restart" asks for that alone: a runner that restarted meanwhile (a dialog left open,
    // the phone review) is not stopped.
    const running = await h.api.runners.launch({ project: (await project()).name, labels: [label] });
    await expect(h.api.runners.stop({ id: running.id, onlyRestart: true })).rejects.toThrow(
      "It is no longer waiting to restart",
    );
    expect((await h.api.runners.get({ id: running.id })).status).toBe("running");
    await h.api.runners.kill({ id: running.id });
  });

  it("an agent that comes back without its runners reports them gone (agent_restarted)", async () => {
    const node = uniqueSlug("phoenix");
    const dataDir = join(h.tmp, `agent-${node}`);
    const first = await h.startAgent(node, { dataDir });
    const r = await h.api.runners.launch({ project: (await project()).name, node });
    first.child.kill("SIGKILL");
    await first.exited;
    // Same data dir: it reconnects with its stored credential, before the heartbeat TTL passes.
    h.agents.splice(h.agents.indexOf(first), 1);
    await h.startAgent(node, { dataDir });
    const ended = await h.runnerWhen(
      r.id,
      "runner ended",
      (cur) =>
        cur.status === "failed" || cur.status === "starting" || (cur.status === "running" && cur.restartAttempts > 0),
    );
    const types = (await h.api.runners.timeline({ id: r.id })).map((e) => e.type);
    expect(types).toContain("runner.failed");
    const failedEvent = (await h.api.runners.timeline({ id: r.id })).find((e) => e.type === "runner.failed");
    expect(failedEvent?.data.reason).toBe("agent_restarted");
    expect(ended.status).not.toBe("terminated");
  });

  it("agent restarts, more of them than the restart limit, never end a healthy runner as a crash loop", async () => {
    const node = uniqueSlug("reboot");
    const dataDir = join(h.tmp, `agent-${node}`);
    let agent = await h.startAgent(node, { dataDir });
    const r = await h.api.runners.launch({ project: (await project()).name, node, prompt: "hello" });
    expect(r.maxRestarts).toBeLessThan(5);
    let pid = (await h.runnerWhen(r.id, "running", (x) => x.status === "running" && x.pid !== null)).pid;
    for (let i = 0; i < 5; i++) {
      // Settled first (its answer written and archived): a claude killed mid-start and resumed
      // from a transcript the server has not yet seen exits 1 — a crash of its own, which counts.
      await h.runnerWhen(r.id, "idle, its transcript archived", (x) => x.activity === "idle", 30_000);
      await waitFor(
        "its transcript archived",
        async () => (await h.db.transcriptEntry.count({ where: { sessionId: r.sessionId! } })) >= 2,
        15_000,
      );
      agent.child.kill("SIGKILL");
      await agent.exited;
      h.agents.splice(h.agents.indexOf(agent), 1);
      agent = await h.startAgent(node, { dataDir });
      const back = await h.runnerWhen(
        r.id,
        `running again after agent restart ${i + 1}`,
        (x) => (x.status === "running" && x.pid !== null && x.pid !== pid) || x.status === "terminated",
        30_000,
      );
      expect(back).toMatchObject({ status: "running", restartAttempts: 0 });
      pid = back.pid;
    }
    const types = (await h.api.runners.timeline({ id: r.id })).map((e) => e.type);
    expect(types.filter((t) => t === "runner.failed")).toHaveLength(5);
    expect(types).not.toContain("runner.crash_looped");
    await h.api.runners.kill({ id: r.id });
  });
});

describe("quota under concurrency", () => {
  for (const agents of [1, 2]) {
    it(`100 launches at once on a project with quota 5 → exactly 5 running, 95 QUOTA_EXCEEDED (${agents} agent${agents > 1 ? "s" : ""})`, async () => {
      for (let i = 0; i < agents; i++)
        await h.startAgent(uniqueSlug("bulk"), { labels: [`bulk${agents}`], capacity: 50 });
      const p = await project(5);
      const results = await Promise.all(
        Array.from({ length: 100 }, () => codeOf(h.api.runners.launch({ project: p.name, labels: [`bulk${agents}`] }))),
      );
      expect(results.filter((c) => c === "OK")).toHaveLength(5);
      expect(results.filter((c) => c === "QUOTA_EXCEEDED")).toHaveLength(95);
      const running = await h.api.runners.list({ project: p.name, status: "running" });
      expect(running).toHaveLength(5);
      if (agents === 2) expect(new Set(running.map((r) => r.nodeId)).size).toBe(2);
      await Promise.all(running.map((r) => h.api.runners.kill({ id: r.id })));
      await waitFor(
        "all ended",
        async () => (await h.api.runners.list({ project: p.name, status: "active" })).length === 0,
      );
    }, 60_000);
  }
});
