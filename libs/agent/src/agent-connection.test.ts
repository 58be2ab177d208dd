import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server } from "socket.io";
import { afterEach, expect, it } from "vitest";
import { AGENT_NAMESPACE, AGENT_PROTOCOL } from "@stratavore/contracts";
import { connectToServer, type ServerSocket } from "./agent-connection.ts";
import type { AgentOptions } from "./agent-options.ts";
import { loadCredential, saveCredential } from "./credential-store.ts";

const NODE_ID = "6f1c2a9e-7d0b-4c3e-9a51-2b8d4e6f7a10";
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

/** A server that welcomes every node with `welcome` (what an older or a current server says). */
async function serverWelcoming(welcome: Record<string, unknown>): Promise<string> {
  return (await server(welcome)).url;
}

async function server(welcome: Record<string, unknown>) {
  const http: HttpServer = createServer();
  const io = new Server(http, { transports: ["websocket"] });
  const state = { welcome };
  io.of(AGENT_NAMESPACE).on("connection", (socket) => socket.emit("agent:welcome", state.welcome));
  await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
  cleanup.push(() => io.close() as Promise<void>);
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, io, state };
}

async function dial(serverUrl: string, log: AgentOptions["log"] = () => {}) {
  const dataDir = await mkdtemp(join(tmpdir(), "agent-connection-"));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  await saveCredential(dataDir, { serverUrl, nodeId: NODE_ID, nodeName: "n1", credential: "node-credential-123" });
  const opts = {
    serverUrl,
    dataDir,
    hello: { name: "n1", hostname: "h", agentVersion: "test", capacity: 1, labels: [] },
    claudeVersion: null,
    log,
  } as unknown as AgentOptions;
  const fatal: Array<{ code: string; message: string }> = [];
  let welcomes = 0;
  return new Promise<{
    welcomed: boolean;
    fatal?: { code: string; message: string };
    socket: ServerSocket;
    fatals: typeof fatal;
    welcomes: () => number;
  }>((resolve) => {
    let socket: ServerSocket | undefined;
    void connectToServer(opts, {
      onWelcome: (s) => {
        welcomes += 1;
        resolve({ welcomed: true, socket: s, fatals: fatal, welcomes: () => welcomes });
      },
      onFatal: (code, message) => {
        fatal.push({ code, message });
        resolve({
          welcomed: false,
          fatal: { code, message },
          socket: socket!,
          fatals: fatal,
          welcomes: () => welcomes,
        });
      },
    }).then((s) => {
      socket = s;
      cleanup.push(async () => s.disconnect());
    });
  });
}

it("refuses a server that speaks an older agent protocol (or none: from before it), and disconnects", async () => {
  for (const welcome of [
    { nodeId: NODE_ID, nodeName: "n1" },
    { nodeId: NODE_ID, nodeName: "n1", protocol: AGENT_PROTOCOL - 1 },
  ]) {
    const r = await dial(await serverWelcoming(welcome));
    expect(r.welcomed).toBe(false);
    expect(r.fatal?.code).toBe("SERVER_TOO_OLD");
    expect(r.fatal?.message).toMatch(/upgrade the server first/);
    await expect.poll(() => r.socket?.connected).toBe(false);
  }
});

it("works with a server of its own protocol", async () => {
  const r = await dial(await serverWelcoming({ nodeId: NODE_ID, nodeName: "n1", protocol: AGENT_PROTOCOL }));
  expect(r.welcomed).toBe(true);
  expect(r.socket.connected).toBe(true);
});

it("once a current server welcomed it, an older one answering a reconnect (a rollback) is not fatal: it logs, stays away and asks again later", async () => {
  const srv = await server({ nodeId: NODE_ID, nodeName: "n1", protocol: AGENT_PROTOCOL });
  const logged: string[] = [];
  const r = await dial(srv.url, (level, msg) => logged.push(`${level}: ${msg}`));
  expect(r.welcomed).toBe(true);
  srv.state.welcome = { nodeId: NODE_ID, nodeName: "n1" };
  srv.io.of(AGENT_NAMESPACE).disconnectSockets(); // the agent dials again after a second
  await expect.poll(() => logged.some((l) => l.startsWith("error: The server is older")), { timeout: 5000 }).toBe(true);
  expect(r.fatals).toEqual([]);
  expect(r.socket.connected).toBe(false);
  expect(r.welcomes()).toBe(1);
});

it("the local agent keeps its credential when its server comes back at another port; any other agent says whose credential it holds", async () => {
  const url = await serverWelcoming({ nodeId: NODE_ID, nodeName: "n1", protocol: AGENT_PROTOCOL });
  const opts = async (local: boolean) => {
    const dataDir = await mkdtemp(join(tmpdir(), "agent-connection-"));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    // Stored when the server listened on another port (PORT changed since).
    const before = {
      serverUrl: "http://127.0.0.1:3917",
      nodeId: NODE_ID,
      nodeName: "local",
      credential: "c-123456789",
    };
    await saveCredential(dataDir, before);
    return {
      serverUrl: url,
      dataDir,
      local,
      hello: { name: "local", hostname: "h", agentVersion: "test", capacity: 1, labels: [] },
      claudeVersion: null,
      log: () => {},
    } as unknown as AgentOptions;
  };
  const local = await opts(true);
  const welcomed = await new Promise<boolean>((resolve) => {
    void connectToServer(local, { onWelcome: () => resolve(true), onFatal: () => resolve(false) }).then((s) =>
      cleanup.push(async () => s.disconnect()),
    );
  });
  expect(welcomed).toBe(true);
  expect((await loadCredential(local.dataDir))?.serverUrl).toBe(url);

  const other = await opts(false);
  await expect(connectToServer(other, { onWelcome: () => {}, onFatal: () => {} })).rejects.toThrow(
    `The node credential in ${other.dataDir} is for http://127.0.0.1:3917, not ${url}: pass --join-token`,
  );
});
