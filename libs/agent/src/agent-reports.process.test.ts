import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, type Socket } from "socket.io";
import { afterEach, expect, it } from "vitest";
import { AGENT_NAMESPACE, AGENT_PROTOCOL, type LaunchAck } from "@stratavore/contracts";
import { FAKE_CLAUDE, runCleanups, waitFor } from "@stratavore/runner/testing";
import { startAgent, type RunningAgent } from "./agent.ts";
import type { AgentOptions } from "./agent-options.ts";
import { saveCredential } from "./credential-store.ts";

/**
 * A whole agent, with a real runner (the fake claude in a PTY), against a bare socket.io server
 * that plays the server's part: what the agent reports, and when, around a server that has not
 * (yet) welcomed it as current, and when it stops with exits nobody recorded.
 */
const NODE_ID = "0b9f3c1e-5a7d-4e2b-8c64-9d1e2f3a4b5c";
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(() => runCleanups(cleanup));

interface Received {
  event: string;
  payload: Record<string, unknown>;
  at: number;
}

/** The server's side: welcomes with `state.welcome` (none: connects and says nothing yet). */
async function fakeServer() {
  const http = createServer();
  const io = new Server(http, { transports: ["websocket"] });
  const state: { welcome: Record<string, unknown> | null; socket: Socket | null; connections: number } = {
    welcome: { nodeId: NODE_ID, nodeName: "n1", protocol: AGENT_PROTOCOL },
    socket: null,
    connections: 0,
  };
  const received: Received[] = [];
  io.of(AGENT_NAMESPACE).on("connection", (socket) => {
    state.socket = socket;
    state.connections += 1;
    if (state.welcome) socket.emit("agent:welcome", state.welcome);
    socket.onAny((event: string, payload: Record<string, unknown>, ack?: (res: unknown) => void) => {
      received.push({ event, payload, at: Date.now() });
      if (typeof ack === "function")
        ack(event === "usage:batch" || event === "transcript:batch" ? { ok: true, accepted: 0 } : { ok: true });
    });
  });
  await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= io.close() as Promise<void>);
  cleanup.push(close);
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, io, state, received, close };
}

async function agentOn(serverUrl: string) {
  const dataDir = await mkdtemp(join(tmpdir(), "agent-reports-"));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const home = join(dataDir, "home");
  const cwd = join(dataDir, "work");
  await mkdir(cwd, { recursive: true });
  const logs: Array<{ level: string; msg: string; meta?: Record<string, unknown> }> = [];
  const opts: AgentOptions = {
    serverUrl,
    dataDir: join(dataDir, "agent"),
    hello: { name: "n1", hostname: "h", agentVersion: "test", capacity: 2, labels: [] },
    claudeBin: FAKE_CLAUDE,
    claudeVersion: "2.1.328",
    childEnv: { PATH: process.env.PATH, HOME: home, TERM: "xterm-256color" },
    passEnv: [],
    cgroups: "off",
    claudeConfigDir: join(home, ".claude"),
    heartbeatMs: 200,
    usageIntervalMs: 200,
    log: (level, msg, meta) => logs.push({ level, msg, ...(meta ? { meta } : {}) }),
  };
  await saveCredential(opts.dataDir, { serverUrl, nodeId: NODE_ID, nodeName: "n1", credential: "node-credential-123" });
  const fatal: string[] = [];
  const agent: RunningAgent = await startAgent(opts, (code) => fatal.push(code));
  let stopped = false;
  cleanup.push(() => stopped || agent.shutdown());
  return {
    agent,
    cwd,
    logs,
    fatal,
    stop: async () => {
      stopped = true;
      await agent.shutdown();
    },
  };
}

async function launch(server: Awaited<ReturnType<typeof fakeServer>>, cwd: string) {
  const runnerId = randomUUID();
  const ack = await new Promise<LaunchAck>((ok) =>
    server.state.socket!.emit(
      "agent:launch",
      { runnerId, cwd, spec: { mode: "new", sessionId: randomUUID() }, cols: 80, rows: 24 },
      ok,
    ),
  );
  if (!ack.ok) throw new Error(`launch refused: ${ack.code} ${ack.message}`);
  return { runnerId, pid: ack.pid };
}

const exitsOf = (received: Received[], runnerId: string, since = 0) =>
  received.filter((r) => r.event === "runner:exited" && r.payload.runnerId === runnerId && r.at >= since);

it("reports nothing to a server that has not welcomed it as current, and everything once one does", async () => {
  const server = await fakeServer();
  const { agent, cwd, fatal } = await agentOn(server.url);
  await waitFor("the agent welcomed", () => server.received.some((r) => r.event === "agent:inventory"));
  const { runnerId, pid } = await launch(server, cwd);

  // The server drops the agent and, when it dials back, says nothing: connected, not welcomed.
  server.state.welcome = null;
  const connections = server.state.connections;
  server.io.of(AGENT_NAMESPACE).disconnectSockets(true);
  await waitFor("the agent connected again", () => server.state.connections > connections, 10_000);
  const since = Date.now();
  process.kill(pid, "SIGKILL");
  // The agent saw the exit (so its report was due), then several heartbeats' retries (every 200 ms) asked.
  await waitFor("the agent saw the exit", () => !agent.supervisor.list().some((r) => r.runnerId === runnerId));
  await new Promise((r) => setTimeout(r, 1000));
  expect(server.received.filter((r) => r.at >= since).map((r) => r.event)).not.toContain("runner:exited");
  expect(server.received.some((r) => r.at >= since && r.event === "agent:heartbeat")).toBe(true);

  // Welcomed as current on this same connection: the exit is reported at once.
  server.state.socket!.emit("agent:welcome", { nodeId: NODE_ID, nodeName: "n1", protocol: AGENT_PROTOCOL });
  const [exit] = await waitFor(
    "the exit reported",
    () => exitsOf(server.received, runnerId).length > 0 && exitsOf(server.received, runnerId),
  );
  expect(exit!.payload).toMatchObject({ runnerId, pid, endedBy: "process" });
  expect(fatal).toEqual([]);
}, 30_000);

it("a stopping agent that cannot tell the server its runners' exits says so, connected or not", async () => {
  const server = await fakeServer();
  const { cwd, logs, stop } = await agentOn(server.url);
  await waitFor("the agent welcomed", () => server.received.some((r) => r.event === "agent:inventory"));
  const { runnerId } = await launch(server, cwd);
  // The server goes away for good: the stop's exit report has no one to go to.
  await server.close();
  await waitFor("the agent disconnected", () => logs.some((l) => l.msg === "disconnected"), 10_000);
  await stop();
  const warning = logs.find((l) => l.msg === "stopping without the server's record of every runner's exit and session");
  expect(warning, JSON.stringify(logs)).toBeDefined();
  expect(warning!.meta).toEqual({ unconfirmed: 1, connected: false });
  expect(exitsOf(server.received, runnerId)).toEqual([]);
}, 30_000);
