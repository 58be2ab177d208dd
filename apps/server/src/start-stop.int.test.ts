import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postmasterPid } from "@stratavore/db";
import { freePortForTests } from "@stratavore/db/testing";
import { isAlive } from "@stratavore/runner";
import { FAKE_CLAUDE, waitFor } from "./testing/fleet-harness.ts";
import { hostPath } from "./testing/env.ts";
import { buildServer, SERVER_BUNDLE, SERVER_ENV, SERVER_NODE_FLAGS } from "../../../scripts/build-server.ts";

/**
 * `npm start`'s server process — the bundle it runs (apps/server/src/main.ts and its local
 * agent, built by scripts/build-server.ts, on plain Node) — with its embedded PostgreSQL and
 * local agent, stopped the way a terminal stops it and killed the way a crash does (issue 14).
 */
const repoRoot = resolve(import.meta.dirname, "../../..");
let tmp = "";
const started: ChildProcess[] = [];
beforeAll(() => buildServer(), 60_000);
afterAll(async () => {
  const kill = (pid: number) => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  for (const c of started) if (c.pid) kill(-c.pid);
  const pid = tmp ? await pidOfPostgres() : 0;
  if (pid) kill(pid);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The running postmaster's pid (a start always leaves one). */
const pidOfPostgres = async () => (await postmasterPid(join(tmp, "data", "postgres"))) ?? 0;

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function startMain(pgPort: number): Promise<Running> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER_BUNDLE], {
    cwd: repoRoot,
    // Its own process group, as a terminal gives a foreground job: Ctrl-C signals the group.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: hostPath(),
      HOME: join(tmp, "home"),
      PORT: "0",
      STRATAVORE_DATA_DIR: join(tmp, "data"),
      STRATAVORE_PG_PORT: String(pgPort),
      STRATAVORE_SERVE_DASHBOARD: "false",
      STRATAVORE_CLAUDE_BIN: FAKE_CLAUDE,
      STRATAVORE_ADMIN_PASSWORD: "start-stop-password",
      ...SERVER_ENV,
      // A TypeScript plugin: the bundle, on plain Node, loads it through tsx registered for it.
      STRATAVORE_PLUGINS: "./libs/plugins/src/git-branch-tag.ts",
    } as unknown as NodeJS.ProcessEnv,
  });
  started.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const url = await waitFor(
    "Stratavore is running",
    () => out.match(/Stratavore is running at (http:\/\/\S+)/)?.[1] ?? (child.exitCode !== null ? "exited" : null),
    120_000,
  );
  if (url === "exited") throw new Error(`the server exited:\n${out}`);
  return { child, url, output: () => out, exited };
}

const probe = async (url: string, path: string) => {
  const t0 = Date.now();
  const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, ms: Date.now() - t0 };
};

describe("npm start's server: stop, crash, and its database", () => {
  it("Ctrl-C stops agent, server and PostgreSQL in that order with no error; kill -9 leaves PostgreSQL, which the next start stops and replaces", async () => {
    tmp = await mkdtemp(join(tmpdir(), "stratavore-start-"));
    const pgPort = await freePortForTests();

    const first = await startMain(pgPort);
    await waitFor("the local agent online", () => first.output().includes("connected") || null, 60_000);
    expect(first.output()).toMatch(/"msg":"plugin loaded","plugin":"git-branch-tag"/);
    process.kill(-first.child.pid!, "SIGINT");
    expect(await first.exited).toBe(0);
    expect(first.output()).not.toMatch(/57P01|failed|"level":"error"/);
    expect(existsSync(join(tmp, "data", "postgres", "postmaster.pid"))).toBe(false);

    const second = await startMain(pgPort);
    const orphan = await pidOfPostgres();
    process.kill(second.child.pid!, "SIGKILL");
    await second.exited;
    expect(isAlive(orphan)).toBe(true);

    const third = await startMain(pgPort);
    expect(third.output()).toContain("stopping a PostgreSQL left running by an earlier server");
    expect(isAlive(orphan)).toBe(false);
    expect((await probe(third.url, "/readyz")).status).toBe(200);
    process.kill(-third.child.pid!, "SIGINT");
    expect(await third.exited).toBe(0);
  }, 300_000);

  it("a stopped PostgreSQL makes /readyz answer 503 within a second; a killed one is restarted, logged and ready again", async () => {
    const pgPort = await freePortForTests();
    const running = await startMain(pgPort);
    const pid = await pidOfPostgres();

    process.kill(pid, "SIGSTOP");
    try {
      const stalled = await probe(running.url, "/readyz");
      expect(stalled.status).toBe(503);
      expect(stalled.ms).toBeLessThan(1500);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    expect((await probe(running.url, "/readyz")).status).toBe(200);

    process.kill(pid, "SIGKILL");
    await waitFor(
      "restarted",
      async () => {
        const health = await probe(running.url, "/healthz").catch(() => null);
        return health?.body.database === "up" && (await pidOfPostgres()) !== pid;
      },
      60_000,
    );
    expect(running.output()).toContain("embedded PostgreSQL died; restarting it");
    await waitFor("ready again", async () => (await probe(running.url, "/readyz")).status === 200, 30_000);
    process.kill(-running.child.pid!, "SIGINT");
    expect(await running.exited).toBe(0);
  }, 300_000);
});
