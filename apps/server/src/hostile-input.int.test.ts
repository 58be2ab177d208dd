import { randomUUID } from "node:crypto";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { createApiClient, describeError } from "@stratavore/api-client";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { FleetHarness } from "./testing/fleet-harness.ts";
import { connectRawAgent } from "./testing/raw-agent.ts";
import { usageRecord } from "./testing/usage-record.ts";

/**
 * What an attacker's review sent (2026-12-02): each got a 500, froze the server or took it
 * down. Bad input gets a coded error and leaves the server serving.
 */
let h: FleetHarness;
const sockets: Socket[] = [];
beforeAll(async () => {
  h = await FleetHarness.start(workerDatabase(inject("databaseUrls")));
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await h?.stop();
});

/** Fails the test instead of waiting for a server that does not answer. */
const timely = (url: string, init: RequestInit = {}) => fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });

it("superjson shared references cannot turn a 3 KB URL into billions of visits", async () => {
  // 15 levels of {k0: next, k1..k3: null}, each k1..k3 declared "the same object as k0": a
  // graph with 4^16 paths. Decoded as declared, the input check alone walks all of them.
  const levels = 15;
  let json: unknown = null;
  for (let i = 0; i < levels; i++) json = { k0: json, k1: null, k2: null, k3: null };
  const referentialEqualities: Record<string, string[]> = {};
  for (let i = 0; i < levels - 1; i++) {
    const at = Array(i).fill("k0").join(".");
    const prefix = at ? `${at}.` : "";
    referentialEqualities[`${prefix}k0`] = [`${prefix}k1`, `${prefix}k2`, `${prefix}k3`];
  }
  const input = encodeURIComponent(JSON.stringify({ json, meta: { referentialEqualities } }));
  expect(input.length).toBeLessThan(8_000);
  const started = Date.now();
  const res = await timely(`${h.server.url}/api/trpc/system.health?input=${input}`);
  expect(res.status).toBeLessThan(500);
  // Decoded as declared, 4^15 visits hold the server's event loop (this process's) for about
  // a minute; as a tree it is milliseconds. The bound only has to tell the two apart.
  expect(Date.now() - started).toBeLessThan(10_000);
  // And the server still serves.
  expect((await timely(`${h.server.url}/healthz`)).status).toBe(200);
});

it("sign-in answers malformed cookies, callback URLs and bodies with a code, never a 500", async () => {
  const auth = `${h.server.url}/api/auth`;
  const statuses = [
    (await timely(`${auth}/session`, { headers: { cookie: "a=%" } })).status,
    (await timely(`${auth}/session?callbackUrl=javascript:0`)).status,
    (await timely(`${auth}/csrf`, { headers: { cookie: "next-auth.callback-url=mailto:x" } })).status,
    (
      await timely(`${auth}/signin/credentials`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ callbackUrl: {}, email: ["x"] }),
      })
    ).status,
  ];
  for (const s of statuses) expect(s).toBeLessThan(500);
  const badJson = await timely(`${auth}/signin/credentials`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{not json",
  });
  expect([badJson.status, ((await badJson.json()) as { error: { code: string } }).error.code]).toEqual([
    400,
    "VALIDATION",
  ]);
  const tooBig = await timely(`${auth}/signin/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `email=${"x".repeat(70_000)}`,
  });
  expect([tooBig.status, ((await tooBig.json()) as { error: { code: string } }).error.code]).toEqual([
    413,
    "PAYLOAD_TOO_LARGE",
  ]);
});

it("a timestamp before 1970 (year 0000 is valid ISO) is VALIDATION, never a database error", async () => {
  const token = (await h.api.apiTokens.create({ name: uniqueSlug("t"), scopes: ["read", "write"] })).secret;
  const client = createApiClient({ serverUrl: h.server.url, token });
  const session = (over: Record<string, unknown>) => ({
    sessionId: randomUUID(),
    cwd: null,
    title: null,
    firstAt: null,
    lastAt: null,
    messageCount: 0,
    records: [],
    ...over,
  });
  const record = usageRecord(`msg_${uniqueSlug("y0")}`, randomUUID(), 1);
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => "OK",
      (e: unknown) => describeError(e).code,
    );
  for (const bad of [
    session({ firstAt: "0000-01-01T00:00:00Z" }),
    session({ lastAt: "0000-01-01T00:30:00+01:00" }),
    session({ records: [{ ...record, occurredAt: "1969-12-31T23:59:59Z" }] }),
  ])
    expect(await codeOf(client.usage.import.mutate({ sessions: [bad] }))).toBe("VALIDATION");
  expect(await codeOf(client.usage.import.mutate({ sessions: [session({ firstAt: "1970-01-01T00:00:00Z" })] }))).toBe(
    "OK",
  );
});

it("a node's exit code past int4, or a NUL in what it reports, is VALIDATION", async () => {
  const { socket } = await connectRawAgent(h);
  sockets.push(socket);
  const ack = (event: string, payload: unknown) =>
    socket.timeout(5_000).emitWithAck(event, payload) as Promise<{ ok: boolean; code?: string }>;
  const exited = { runnerId: randomUUID(), exitCode: 2 ** 31, signal: null, endedBy: "process" };
  expect(await ack("runner:exited", exited)).toMatchObject({ ok: false, code: "VALIDATION" });
  expect(await ack("runner:exited", { ...exited, exitCode: 1, signal: "SIG\u0000TERM" })).toMatchObject({
    ok: false,
    code: "VALIDATION",
  });
  // A hello with a NUL is refused at the door, with its code.
  const { secret } = await h.api.joinTokens.create({ ttlMinutes: 10 });
  const refused = connect(`${h.server.url}/agent`, {
    path: "/socket.io",
    transports: ["websocket"],
    reconnection: false,
    auth: {
      joinToken: secret,
      hello: {
        name: uniqueSlug("nul"),
        hostname: "a\u0000b",
        agentVersion: "0.1.0",
        claudeVersion: null,
        capacity: 1,
        labels: [],
      },
    },
  });
  sockets.push(refused);
  const err = await new Promise<Error & { data?: { code?: string } }>((resolve) =>
    refused.once("connect_error", resolve),
  );
  expect(err.data?.code ?? err.message).toBe("VALIDATION");
});

it("a launch answered with a pid past int4 fails with a code, and leaves no runner starting", async () => {
  const name = uniqueSlug("bigpid");
  const { socket } = await connectRawAgent(h, name);
  sockets.push(socket);
  socket.on("agent:launch", (_cmd: unknown, ack: (a: unknown) => void) => ack({ ok: true, pid: 2 ** 31 }));
  const project = await h.api.projects.create({ name: uniqueSlug("bigpid"), path: h.tmp });
  const outcome = await h.api.runners.launch({ project: project.name, node: name }).then(
    (r) => ({ code: "OK", status: r.status }),
    (e: unknown) => ({ code: describeError(e).code, status: null }),
  );
  expect(outcome.code).not.toBe("INTERNAL");
  expect(outcome.code).not.toBe("OK");
  const [runner] = await h.api.runners.list({ project: project.name });
  expect(runner?.status).toBe("failed");
});

it("a browser's terminal attach while the database fails is answered INTERNAL, and the server lives on", async () => {
  const token = (await h.api.apiTokens.create({ name: uniqueSlug("t"), scopes: ["read"] })).secret;
  const s = connect(h.server.url, {
    path: "/socket.io",
    transports: ["websocket"],
    auth: { token },
    reconnection: false,
  });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once("connect", resolve);
    s.once("connect_error", reject);
  });
  const runners = h.server.deps.db.runner as unknown as { count: (...a: unknown[]) => Promise<number> };
  const count = runners.count;
  runners.count = () => Promise.reject(new Error("connection terminated (test)"));
  try {
    const ack = (await s.timeout(5_000).emitWithAck("runner:attach", { runnerId: randomUUID() })) as { code?: string };
    expect(ack.code).toBe("INTERNAL");
  } finally {
    runners.count = count;
  }
  expect((await timely(`${h.server.url}/healthz`)).status).toBe(200);
  const ack = (await s.timeout(5_000).emitWithAck("runner:attach", { runnerId: randomUUID() })) as { code?: string };
  expect(ack.code).toBe("NOT_FOUND");
});
