import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, inject, it, type TestContext } from "vitest";
import { FilesystemStore } from "@stratavore/api";
import { createApiClient } from "@stratavore/api-client";
import { createDb } from "@stratavore/db";
import { freePortForTests, startTestPostgres, uniqueEmail, uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { isAlive, signalPids, snapshotDescendants } from "@stratavore/runner";
import { runCleanups } from "@stratavore/runner/testing";
import { hostPath } from "../testing/env.ts";
import { FleetHarness, spawnAgent, waitFor, type AgentProcess } from "../testing/fleet-harness.ts";
import { localAdminCaller } from "../testing/local-caller.ts";

/**
 * Node trouble is not runner death (DESIGN §2). Each test breaks one thing for a minute — the
 * agent, the server, the database — and checks that the runner's claude lived through it, with
 * the same pid, no restart used, and stays in the user's (and budgets') hands.
 */
const STALL_MS = 60_000;

/** Undone when its own test ends, in reverse order: the tests run side by side (below). */
function cleanupsOf(onTestFinished: TestContext["onTestFinished"]) {
  const list: Array<() => Promise<unknown> | unknown> = [];
  onTestFinished(() => runCleanups(list));
  return list;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const eventTypes = async (
  api: { runners: { timeline: (i: { id: string }) => Promise<{ type: string }[]> } },
  id: string,
) => (await api.runners.timeline({ id })).map((e) => e.type);

// The database stall runs on its own PostgreSQL, beside the other two (a minute of sleeping
// each); those two share the suite's database and run one after the other, since each one's
// server would judge the other's runners.
describe("faults", () => {
  describe("on the suite's database, one at a time", { concurrent: true }, () => {
    it.sequential(
      "agent SIGSTOP for 60 s, then SIGCONT: the runner is lost meanwhile, then adopted back — same pid, no restart used",
      { timeout: 180_000 },
      async ({ onTestFinished }) => {
        const cleanups = cleanupsOf(onTestFinished);
        const h = await FleetHarness.start(workerDatabase(inject("databaseUrls")), { lostTimeoutMs: 10 * 60_000 });
        cleanups.push(() => h.stop());
        const node = uniqueSlug("stall");
        const agent = await h.startAgent(node);
        const workdir = join(h.tmp, "w");
        await mkdir(workdir, { recursive: true });
        const project = await h.api.projects.create({ name: uniqueSlug("stall"), path: workdir });
        const r = await h.api.runners.launch({ project: project.name, node });
        signalPids([agent.child.pid!], "SIGSTOP");
        const lost = await h.runnerWhen(r.id, "runner lost", "lost", 30_000, 200);
        expect(lost.pid).toBe(r.pid);
        // While lost it still holds its quota slot and can be seen for what it is.
        expect((await h.api.projects.get({ ref: project.name })).activeRunners).toBe(1);
        await sleep(STALL_MS - 10_000);
        expect(isAlive(r.pid!)).toBe(true);
        signalPids([agent.child.pid!], "SIGCONT");
        const back = await h.runnerWhen(r.id, "runner adopted back", "running", 60_000, 200);
        expect(back).toMatchObject({ pid: r.pid, restartAttempts: 0, lostAt: null });
        const types = await eventTypes(h.api, r.id);
        expect(types).toEqual(expect.arrayContaining(["runner.lost", "runner.adopted"]));
        expect(types).not.toContain("runner.failed");
        expect(types).not.toContain("runner.restarting");
        // And it is still the user's to stop.
        await h.api.runners.stop({ id: r.id });
        await waitFor(
          "terminated",
          async () => (await h.api.runners.get({ id: r.id })).status === "terminated",
          15_000,
        );
      },
    );

    it.sequential(
      "server kill -9 and restart while a remote agent runs a runner: same pid, never judged lost, terminal scrollback still there",
      { timeout: 180_000 },
      async ({ onTestFinished }) => {
        const cleanups = cleanupsOf(onTestFinished);
        const databaseUrl = workerDatabase(inject("databaseUrls"));
        const tmp = await mkdtemp(join(tmpdir(), "stratavore-kill9-"));
        cleanups.push(() => rm(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));
        const secret = randomBytes(32).toString("base64url");
        const port = await freePortForTests();
        const serverEnv = {
          PATH: hostPath(),
          HOME: tmp,
          DATABASE_URL: databaseUrl,
          PORT: String(port),
          STRATAVORE_SECRET: secret,
          STRATAVORE_DATA_DIR: join(tmp, "data"),
          STRATAVORE_LOCAL_AGENT: "false",
          STRATAVORE_ADMIN_EMAIL: uniqueEmail("kill9-first"),
          STRATAVORE_ADMIN_PASSWORD: "kill9-admin-password",
          // Production's agent grace (30 s reconnect backoff) with a short TTL: judging early would show at once.
          STRATAVORE_TEST_FLEET: JSON.stringify({
            heartbeatTtlMs: 5000,
            reconcileIntervalMs: 300,
            agentReconnectMaxMs: 30_000,
          }),
        };
        let server: ChildProcess | null = null;
        const startServerProcess = async () => {
          const child = spawn(
            process.execPath,
            ["--import", "tsx", resolve(import.meta.dirname, "../testing/server-process.ts")],
            { env: serverEnv as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "inherit"] },
          );
          server = child;
          await new Promise<void>((ok, fail) => {
            child.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && ok());
            child.once("exit", (code) => fail(new Error(`server exited ${code}`)));
          });
        };
        cleanups.push(() => server?.kill("SIGKILL"));
        await startServerProcess();
        const url = `http://127.0.0.1:${port}`;

        // An admin and an API token, minted straight in the database's terms (the server process holds the fleet).
        const db = createDb({ connectionString: databaseUrl, poolMax: 2 });
        cleanups.push(() => db.$disconnect());
        const local = await localAdminCaller(db, secret, new FilesystemStore(join(tmp, "transcripts")), "kill9");
        const { secret: token } = await local.apiTokens.create({ name: "kill9", scopes: ["read", "write"] });
        const api = createApiClient({ serverUrl: url, token });

        const node = uniqueSlug("remote");
        const { secret: join9 } = await local.joinTokens.create({ ttlMinutes: 10 });
        const agent: AgentProcess = await spawnAgent(url, join9, node, {
          home: join(tmp, "home"),
          dataDir: join(tmp, "agent"),
        });
        cleanups.push(() => agent.child.kill("SIGKILL"));
        await waitFor(
          "node online",
          async () => (await api.nodes.list.query()).find((n) => n.name === node && n.connected),
          60_000,
        );
        const workdir = join(tmp, "w");
        await mkdir(workdir, { recursive: true });
        const project = await api.projects.create.mutate({ name: uniqueSlug("kill9"), path: workdir });
        const r = await api.runners.launch.mutate({ project: project.name, node });
        const banner = `session: ${r.sessionId}`;
        await waitFor("the banner in the scrollback", async () =>
          (await api.runners.scrollback.query({ id: r.id })).chunks
            .map((c) => c.data)
            .join("")
            .includes(banner),
        );

        server!.kill("SIGKILL");
        // Down for longer than the TTL: a server that judged heartbeats at once would call it lost.
        await sleep(7000);
        await startServerProcess();
        await waitFor("the agent back", async () => (await api.nodes.get.query({ ref: node })).connected, 60_000, 250);
        // Past one TTL and more: nothing may judge the runner while its agent is connected.
        for (let i = 0; i < 16; i++) {
          const cur = await api.runners.get.query({ id: r.id });
          expect(cur.status).toBe("running");
          await sleep(500);
        }
        const after = await api.runners.get.query({ id: r.id });
        expect(after).toMatchObject({ pid: r.pid, restartAttempts: 0 });
        expect(isAlive(r.pid!)).toBe(true);
        const types = (await api.runners.timeline.query({ id: r.id })).map((e) => e.type);
        expect(types).not.toContain("runner.lost");
        expect(types).not.toContain("runner.failed");
        // The restarted server has the terminal again: the agent handed its buffer back.
        expect((await api.runners.scrollback.query({ id: r.id })).chunks.map((c) => c.data).join("")).toContain(banner);
        await api.runners.stop.mutate({ id: r.id });
        await waitFor(
          "terminated",
          async () => (await api.runners.get.query({ id: r.id })).status === "terminated",
          15_000,
        );
      },
    );
  });

  it(
    "database SIGSTOP for 60 s: afterwards the runner is running (adopted if it was judged lost), no restart used, and can be stopped",
    { concurrent: true, timeout: 240_000 },
    async ({ onTestFinished }) => {
      const cleanups = cleanupsOf(onTestFinished);
      const pg = await startTestPostgres(resolve(import.meta.dirname, "../../../../prisma"), "stratavore_stall");
      cleanups.push(() => pg.stop());
      const h = await FleetHarness.start(pg.url, { lostTimeoutMs: 10 * 60_000 });
      cleanups.push(() => h.stop());
      const node = uniqueSlug("dbstall");
      await h.startAgent(node);
      const workdir = join(h.tmp, "w");
      await mkdir(workdir, { recursive: true });
      const r = await h.api.runners.launch({
        project: (await h.api.projects.create({ name: uniqueSlug("dbstall"), path: workdir })).name,
        node,
      });
      const postmaster = Number((await readFile(join(pg.dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
      const postgres = snapshotDescendants(postmaster);
      expect(postgres.length).toBeGreaterThan(1);
      signalPids(postgres, "SIGSTOP");
      let resumed = false;
      cleanups.push(() => resumed || signalPids(snapshotDescendants(postmaster), "SIGCONT"));
      await sleep(STALL_MS);
      signalPids(snapshotDescendants(postmaster), "SIGCONT");
      resumed = true;
      expect(isAlive(r.pid!)).toBe(true);
      const back = await h.runnerWhen(r.id, "the runner running again", "running", 60_000, 250);
      expect(back).toMatchObject({ pid: r.pid, restartAttempts: 0 });
      const types = await eventTypes(h.api, r.id);
      expect(types).not.toContain("runner.failed");
      await h.api.runners.stop({ id: r.id });
      await waitFor("terminated", async () => (await h.api.runners.get({ id: r.id })).status === "terminated", 30_000);
      await waitFor("claude gone", async () => !isAlive(r.pid!), 10_000);
    },
  );
});
