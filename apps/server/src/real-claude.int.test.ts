import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { isAlive, snapshotDescendants } from "@stratavore/runner";
import { startAnthropicStub, type AnthropicStub } from "./testing/anthropic-stub.ts";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";
import { countTranscripts } from "./testing/transcript-count.ts";

const CLAUDE = resolve(import.meta.dirname, "../../../node_modules/@anthropic-ai/claude-code/bin/claude.exe");
const REPLY = "stub-reply-7f3a";
const KEY = "sk-ant-api03-stratavore-local-stub-key-0000000000";
let h: FleetHarness;
let stub: AnthropicStub;

beforeAll(async () => {
  [h, stub] = await Promise.all([
    FleetHarness.start(workerDatabase(inject("databaseUrls"))),
    startAnthropicStub(REPLY),
  ]);
});
afterAll(async () => {
  await h?.stop();
  await stub?.close();
});

/** Terminal output without escape sequences or whitespace (the TUI positions words with cursor moves). */
const screen = (runnerId: string) =>
  h.server.deps.fleet.scrollback
    .since(runnerId)
    .map((c) => c.data)
    .join("")
    // eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
    .replace(/\x1b\[[0-9;?>]*[a-zA-Z]|\x1b\][^\x07]*\x07|\s+/g, "");

/** A node whose agent runs the real claude against the stub, with a checkout its config trusts. */
async function realClaudeNode(name: string): Promise<{ cwd: string; config: string; node: string }> {
  const cwd = join(h.tmp, `${name}-checkout`);
  const config = join(h.tmp, `${name}-config`);
  await mkdir(cwd, { recursive: true });
  await mkdir(config, { recursive: true });
  // The three first-run gates a real user's config has already passed (stack.md).
  await writeFile(
    join(config, ".claude.json"),
    JSON.stringify({
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: [KEY.slice(-20)], rejected: [] },
      projects: { [cwd]: { hasTrustDialogAccepted: true } },
    }),
  );
  const node = uniqueSlug(name);
  await h.startAgent(node, {
    claudeBin: CLAUDE,
    env: {
      CLAUDE_CONFIG_DIR: config,
      ANTHROPIC_BASE_URL: stub.url,
      ANTHROPIC_API_KEY: KEY,
      DISABLE_TELEMETRY: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_AUTOUPDATER: "1",
      TERM: "xterm-256color",
    },
  });
  return { cwd, config, node };
}

/** Types `text` and Enter into the runner's terminal, as a user at the keyboard. */
async function typeLine(runner: { id: string; nodeId: string | null }, text: string): Promise<void> {
  h.server.deps.fleet.agents.input(runner.nodeId!, runner.id, text);
  await new Promise((r) => setTimeout(r, 500));
  h.server.deps.fleet.agents.input(runner.nodeId!, runner.id, "\r");
}

/** Waits for claude's prompt on a new runner's screen and its first paint. */
async function promptOf(runnerId: string): Promise<void> {
  await waitFor("claude's prompt", async () => screen(runnerId).includes("ClaudeCode"), 30_000);
  await new Promise((r) => setTimeout(r, 1500)); // the TUI finishes its first paint before it reads keys
}

/**
 * Waits until the ledger rows `where` selects are `responses` rows whose tokens equal claude's
 * transcripts under `projects`, counted independently (countTranscripts); returns the rows.
 */
async function ledgerMatchingTranscripts(
  projects: string,
  where: { runnerId: string } | { projectId: string },
  responses: number,
) {
  return waitFor(
    `${responses} responses in the ledger, as in the transcripts`,
    async () => {
      const expected = countTranscripts(projects);
      const rows = await h.db.usageRecord.findMany({ where });
      const tokens = rows.reduce((sum, r) => sum + Number(r.totalTokens), 0);
      return expected.messages === responses && rows.length === responses && tokens === expected.tokens ? rows : null;
    },
    30_000,
  );
}

/** Stops a runner through the API and waits until it is `terminated`; returns its row then. */
async function stopRunner(id: string, timeoutMs = 5000) {
  await h.api.runners.stop({ id });
  return waitFor(
    "the runner terminated",
    async () => {
      const r = await h.api.runners.get({ id });
      return r.status === "terminated" ? r : null;
    },
    timeoutMs,
  );
}

// The real binary (npm package @anthropic-ai/claude-code, a devDependency) against a local stub
// of the Messages API. It is installed by `npm ci`; absent only if npm skipped optional deps.
it.skipIf(!existsSync(CLAUDE))(
  "the real claude runs in a Stratavore runner: prompt typed through the PTY, the stub's reply on the terminal; after /clear and /branch the runner follows claude into each new session and every session's usage is counted; clean stop",
  async () => {
    const { cwd, config, node } = await realClaudeNode("real");
    expect((await h.api.nodes.get({ ref: node })).claudeVersion).toMatch(/^2\.\d+\.\d+ \(Claude Code\)/);
    const project = await h.api.projects.create({ name: uniqueSlug("real"), path: cwd });
    const runner = await h.api.runners.launch({ project: project.name, node });
    expect(runner.status).toBe("running");

    await promptOf(runner.id);
    await typeLine(runner, "say hello");
    await waitFor("the stub's reply on the terminal", async () => screen(runner.id).includes(REPLY), 30_000);
    expect(stub.requests.length).toBeGreaterThan(0);

    // Claude wrote the session Stratavore fixed with --session-id, with the API's usage in it.
    const transcript = join(config, "projects", cwd.replace(/[^a-zA-Z0-9]/g, "-"), `${runner.sessionId}.jsonl`);
    // Claude flushes its transcript on its own schedule: wait for the assistant line to land.
    const lines = await waitFor(
      "an assistant line in the transcript",
      async () => {
        const parsed = (await readFile(transcript, "utf8").catch(() => ""))
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { type?: string; message?: { usage?: { output_tokens?: number } } });
        return parsed.some((l) => l.type === "assistant") ? parsed : null;
      },
      20_000,
    );
    const usage = lines.filter((l) => l.type === "assistant").map((l) => l.message?.usage?.output_tokens);
    expect(
      usage.every((n) => typeof n === "number" && n >= 1),
      JSON.stringify(usage),
    ).toBe(true);

    // /clear moves claude to a new session (a new transcript file) in the same process; the
    // runner follows it, so what claude spends there is counted too (it was not: claude 2.1.328).
    const requests = stub.requests.length;
    await new Promise((r) => setTimeout(r, 1000));
    await typeLine(runner, "/clear");
    const moved = await waitFor(
      "the runner on claude's new session",
      async () => {
        const now = await h.api.runners.get({ id: runner.id });
        return now.sessionId !== runner.sessionId ? now : null;
      },
      30_000,
    );
    expect(moved.pastSessionIds).toEqual([runner.sessionId]);
    await new Promise((r) => setTimeout(r, 1500));
    await typeLine(runner, "say again");
    await waitFor("the second request", async () => stub.requests.length > requests, 30_000);
    // The ledger equals both transcripts counted independently: one response in each session.
    const projects = join(config, "projects");
    const rows = await ledgerMatchingTranscripts(projects, { runnerId: runner.id }, 2);
    expect(new Set(rows.map((r) => r.sessionId))).toEqual(new Set([runner.sessionId, moved.sessionId]));

    // /branch: a new session holding a copy of the conversation (the same message ids), and claude
    // goes on there. The runner follows; the copied responses stay counted once.
    const branchedFrom = moved.sessionId;
    await new Promise((r) => setTimeout(r, 1000));
    await typeLine(runner, "/branch");
    const branched = await waitFor(
      "the runner on the branch",
      async () => {
        const now = await h.api.runners.get({ id: runner.id });
        return now.sessionId !== branchedFrom ? now : null;
      },
      30_000,
    );
    expect(branched.pastSessionIds).toEqual([runner.sessionId, branchedFrom]);
    const beforeBranch = stub.requests.length;
    await new Promise((r) => setTimeout(r, 1500));
    await typeLine(runner, "say on the branch");
    await waitFor("the third request", async () => stub.requests.length > beforeBranch, 30_000);
    await ledgerMatchingTranscripts(projects, { runnerId: runner.id }, 3);

    const tree = snapshotDescendants(runner.pid!);
    const ended = await stopRunner(runner.id, 20_000);
    expect(ended.endReason).toMatch(/^stopped by \S+@\S+$/);
    await waitFor("claude's processes gone", async () => tree.every((pid) => !isAlive(pid)));
  },
  120_000,
);

it.skipIf(!existsSync(CLAUDE))(
  "/resume in a runner's terminal into a session another runner left: the runner follows it, and what claude spends there is counted (equal to the transcripts)",
  async () => {
    const { cwd, config, node } = await realClaudeNode("resume");
    const project = await h.api.projects.create({ name: uniqueSlug("resume"), path: cwd });
    const first = await h.api.runners.launch({ project: project.name, node });
    await promptOf(first.id);
    await typeLine(first, "say hello");
    await waitFor("the first reply", async () => screen(first.id).includes(REPLY), 30_000);
    await waitFor(
      "the first response in the ledger",
      async () => (await h.db.usageRecord.count({ where: { runnerId: first.id } })) === 1,
      30_000,
    );
    await stopRunner(first.id);

    const second = await h.api.runners.launch({ project: project.name, node });
    await promptOf(second.id);
    await typeLine(second, `/resume ${first.sessionId}`);
    const moved = await waitFor(
      "the second runner on the resumed session",
      async () => {
        const now = await h.api.runners.get({ id: second.id });
        return now.sessionId === first.sessionId ? now : null;
      },
      30_000,
    );
    expect(moved.pastSessionIds).toEqual([second.sessionId]);
    const requests = stub.requests.length;
    await new Promise((r) => setTimeout(r, 1500));
    await typeLine(second, "say again");
    await waitFor("the second request", async () => stub.requests.length > requests, 30_000);
    // claude appended the second response to the first session's file; the ledger holds both,
    // each as the runner whose claude made it.
    const rows = await ledgerMatchingTranscripts(join(config, "projects"), { projectId: project.id }, 2);
    expect(rows.map((r) => r.sessionId)).toEqual([first.sessionId, first.sessionId]);
    expect(new Set(rows.map((r) => r.runnerId))).toEqual(new Set([first.id, second.id]));
    // Nothing of either runner was refused (the database is shared with other test files).
    expect(
      await h.db.event.count({ where: { type: { endsWith: "_refused" }, entityId: { in: [first.id, second.id] } } }),
    ).toBe(0);
    await stopRunner(second.id);
  },
  120_000,
);

it.skipIf(!existsSync(CLAUDE))(
  "/compact calls the API without writing those responses to the transcript: the ledger holds what the transcript records, and the cost check shows claude's own figure above it",
  async () => {
    const { cwd, config, node } = await realClaudeNode("compact");
    const project = await h.api.projects.create({ name: uniqueSlug("compact"), path: cwd });
    const billedBefore = stub.requests.length;
    const runner = await h.api.runners.launch({ project: project.name, node });
    await promptOf(runner.id);
    await typeLine(runner, "say hello");
    await waitFor("the reply", async () => screen(runner.id).includes(REPLY), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    const beforeCompact = stub.requests.length;
    await typeLine(runner, "/compact");
    await waitFor("the summary request", async () => stub.requests.length > beforeCompact, 30_000);
    await waitFor("compacted", async () => screen(runner.id).includes("Compacted"), 30_000);
    // What the transcript records, counted independently, is what the ledger holds.
    await ledgerMatchingTranscripts(join(config, "projects"), { runnerId: runner.id }, 1);
    await stopRunner(runner.id);
    // Claude's own figure, written as it exits, counts every request the stub billed (12 in and
    // 7 out each): the compaction's too, which no transcript line records.
    const billed = (stub.requests.length - billedBefore) * 19;
    const check = await waitFor("claude's figure archived", async () => {
      const c = await h.api.sessions.costCheck({ id: runner.sessionId! });
      return c && !c.stale && c.models[0]?.claudeTokens === billed ? c : null;
    });
    expect(billed).toBeGreaterThan(19);
    expect(check).toMatchObject({ differs: true, stale: false });
    expect(check.models).toEqual([
      expect.objectContaining({ model: "claude-opus-5-5", claudeTokens: billed, oursTokens: 19 }),
    ]);
  },
  120_000,
);
