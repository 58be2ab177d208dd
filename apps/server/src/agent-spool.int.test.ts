import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildAgentOptions, startAgent, type RunningAgent } from "@stratavore/agent";
import { createCaller, hashPassword } from "@stratavore/api";
import { createDb, insertUser, type Db } from "@stratavore/db";
import { uniqueEmail, uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { readEnv } from "./env.ts";
import { startServer, type RunningServer } from "./server.ts";
import { hostPath } from "./testing/env.ts";
import { FAKE_CLAUDE, waitFor } from "./testing/fleet-harness.ts";
import { countTranscripts } from "./testing/transcript-count.ts";

/**
 * "Nothing is lost" (DESIGN §3): the node agent, in this process, keeps what the server has
 * not acknowledged in its spool — across a server outage, and across its own restart while the
 * server is down — and the ledger ends equal to an independent count of the transcript.
 */
let tmp: string;
let db: Db;
let server: RunningServer;
let port = 0;
const secret = randomBytes(32).toString("base64url");
const fleet = {
  heartbeatTtlMs: 5000,
  reconcileIntervalMs: 300,
  agentAckTimeoutMs: 8000,
  agentReconnectMaxMs: 1000,
  lostTimeoutMs: 60_000,
};

async function serve(): Promise<RunningServer> {
  const env = readEnv([], {
    DATABASE_URL: workerDatabase(inject("databaseUrls")),
    PORT: String(port),
    STRATAVORE_DATA_DIR: join(tmp, "data"),
    STRATAVORE_SECRET: secret,
    STRATAVORE_ADMIN_EMAIL: uniqueEmail("spool-first"),
    STRATAVORE_ADMIN_PASSWORD: "spool-admin-password",
  });
  const s = await startServer(env, () => undefined, { web: false, fleet });
  port = Number(new URL(s.url).port);
  return s;
}

async function api(s: RunningServer) {
  const user = await insertUser(db, {
    email: uniqueEmail("spool"),
    name: "spool",
    role: "admin",
    passwordHash: await hashPassword("spool-pass"),
  });
  return createCaller({ ...s.deps, principal: { user, via: "session", scopes: ["read", "write"] }, ip: "127.0.0.1" });
}

async function agent(name: string, joinToken?: string): Promise<RunningAgent> {
  const home = join(tmp, "home");
  await mkdir(home, { recursive: true });
  const opts = await buildAgentOptions(
    {
      server: server.url,
      joinToken,
      dataDir: join(tmp, "agent"),
      name,
      claudeBin: FAKE_CLAUDE,
      heartbeatSeconds: 1,
      usageSeconds: 0.2,
      cgroups: "off",
      passEnv: ["FAKE_CLAUDE_USAGE_EVERY_MS"],
    },
    { home, path: hostPath(), all: { PATH: hostPath(), HOME: home, FAKE_CLAUDE_USAGE_EVERY_MS: "150" } },
    () => undefined,
  );
  return startAgent(opts, (code, message) => console.error("agent refused", code, message));
}

/** The transcript's own total, counted independently (each message id once, at its largest usage). */
const transcriptTotal = () => countTranscripts(join(tmp, "home", ".claude", "projects")).tokens;

const ledgerTotal = async (runnerId: string) =>
  Number((await db.usageRecord.aggregate({ where: { runnerId }, _sum: { totalTokens: true } }))._sum.totalTokens ?? 0);

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "stratavore-spool-"));
  db = createDb({ connectionString: workerDatabase(inject("databaseUrls")), poolMax: 2 });
  server = await serve();
});
afterAll(async () => {
  await server?.close().catch(() => undefined);
  await db?.$disconnect();
  await rm(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe("the agent's spool", () => {
  it("keeps unacknowledged usage through a server outage and through its own restart while the server is down: the ledger equals the transcript; its logs and transcript restore serve a resume", async () => {
    let caller = await api(server);
    const name = uniqueSlug("spool");
    const { secret: joinToken } = await caller.joinTokens.create({ ttlMinutes: 10 });
    let running = await agent(name, joinToken);
    await waitFor("node online", async () => (await caller.nodes.list()).find((n) => n.name === name && n.connected));
    const workdir = join(tmp, "checkout");
    await mkdir(workdir, { recursive: true });
    const project = await caller.projects.create({ name: uniqueSlug("spool"), path: workdir });
    const runner = await caller.runners.launch({ project: project.name, node: name });
    await waitFor("usage counted", async () => (await ledgerTotal(runner.id)) > 0);
    // The commands the in-process agent answers: pause, unpause, typing, resizing.
    expect((await caller.runners.pause({ id: runner.id })).status).toBe("paused");
    expect((await caller.runners.unpause({ id: runner.id })).status).toBe("running");
    const nodeId = (await caller.nodes.get({ ref: name })).id;
    expect(server.deps.fleet.agents.input(nodeId, runner.id, "hello\r")).toBe(true);
    expect(server.deps.fleet.agents.resize(nodeId, runner.id, 100, 30)).toBe(true);
    await waitFor("typed line echoed", () =>
      server.deps.fleet.scrollback.since(runner.id).some((c) => c.data.includes("hello")),
    );

    // 1. The server goes away for a while; the runner keeps spending; the server comes back.
    await server.close();
    await new Promise((r) => setTimeout(r, 1500));
    const duringOutage = transcriptTotal();
    server = await serve();
    caller = await api(server);
    await waitFor("caught up after the outage", async () => (await ledgerTotal(runner.id)) >= duringOutage, 30_000);

    // 2. The server goes away again, and the agent is restarted meanwhile (its runner ends with it).
    await server.close();
    await new Promise((r) => setTimeout(r, 800));
    await running.shutdown();
    const final = transcriptTotal();
    expect(existsSync(join(tmp, "agent", "spool.jsonl"))).toBe(true);
    // It holds transcript lines not yet archived: private to the agent's user.
    expect(statSync(join(tmp, "agent", "spool.jsonl")).mode & 0o777).toBe(0o600);
    server = await serve();
    caller = await api(server);
    // No join token this time: the node credential it stored is enough.
    running = await agent(name);
    await waitFor("everything shipped from the spool", async () => (await ledgerTotal(runner.id)) === final, 30_000);
    expect(await ledgerTotal(runner.id)).toBe(final);
    expect(final).toBeGreaterThan(duringOutage);

    // Its output after a server restart comes from the node's log; a resume on a node whose
    // transcript is gone has it restored from the archive first.
    const ended = await waitFor("runner ended", async () => {
      const r = await caller.runners.get({ id: runner.id });
      return r.status === "terminated" || r.status === "failed" ? r : null;
    });
    expect((await caller.runners.scrollback({ id: ended.id })).chunks.map((c) => c.data).join("")).toContain("hello");
    await rm(join(tmp, "home", ".claude", "projects"), { recursive: true, force: true });
    const resumed = await caller.sessions.resume({ id: runner.sessionId! });
    expect(resumed.status).toBe("running");
    // Restored: everything counted before is back on disk (the resumed runner may add more).
    expect(transcriptTotal()).toBeGreaterThanOrEqual(final);
    await caller.runners.kill({ id: resumed.id });
    await running.shutdown();
  }, 120_000);
});
