import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "next-auth/jwt";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hashPassword } from "@stratavore/api";
import { createApiClient } from "@stratavore/api-client";
import { createDb, insertUser } from "@stratavore/db";
import { uniqueEmail, uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { readEnv } from "./env.ts";
import { startServer, type RunningServer } from "./server.ts";
import { signInCookie } from "./testing/sign-in.ts";

const adminEmail = uniqueEmail("server-admin");
const adminPassword = "server-test-password";
const secret = randomBytes(32).toString("base64url");
let server: RunningServer;
let tmp: string;
let adminToken: string;
const sockets: Socket[] = [];

const signIn = (email: string, password: string) => signInCookie(server.url, email, password);

function socket(opts: { token?: string; cookie?: string; origin?: string }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const extraHeaders: Record<string, string> = {
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...(opts.origin ? { origin: opts.origin } : {}),
    };
    const s = connect(server.url, {
      path: "/socket.io",
      transports: ["websocket"],
      auth: opts.token ? { token: opts.token } : {},
      extraHeaders,
      reconnection: false,
    });
    sockets.push(s);
    s.on("connect", () => resolve(s));
    s.on("connect_error", (err) => reject(err));
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "stratavore-server-"));
  const env = readEnv([], {
    DATABASE_URL: workerDatabase(inject("databaseUrls")),
    PORT: "0",
    STRATAVORE_DATA_DIR: tmp,
    STRATAVORE_SECRET: secret,
    STRATAVORE_ADMIN_EMAIL: adminEmail,
    STRATAVORE_ADMIN_PASSWORD: adminPassword,
  });
  server = await startServer(env, () => {}, { web: false });
  // The first-admin seed only happens on an empty users table (other files may have run first).
  if (!server.firstAdmin) {
    const db = createDb({ connectionString: workerDatabase(inject("databaseUrls")), poolMax: 1 });
    await insertUser(db, {
      email: adminEmail,
      name: "Server admin",
      role: "admin",
      passwordHash: await hashPassword(adminPassword),
    });
    await db.$disconnect();
  }
  const { cookie } = await signIn(adminEmail, adminPassword);
  const api = createApiClient({
    serverUrl: server.url,
    fetch: (url, init) =>
      fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie: cookie! } }),
  });
  adminToken = (await api.apiTokens.create.mutate({ name: "server-test", scopes: ["read", "write"] })).secret;
});

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe("one-port server", () => {
  it("answers /healthz and /readyz (database reachable)", async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true, database: "external" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, database: true });
  });

  it("signs in through next-auth with the right password only, and the session cookie works for tRPC", async () => {
    expect((await signIn(adminEmail, "wrong-password-here")).cookie).toBeNull();
    const { cookie } = await signIn(adminEmail, adminPassword);
    expect(cookie).not.toBeNull();
    const res = await fetch(`${server.url}/api/trpc/auth.whoami`, { headers: { cookie: cookie! } });
    const body = (await res.json()) as { result: { data: { json: { email: string; via: string } } } };
    expect(body.result.data.json).toMatchObject({ email: adminEmail, via: "session" });
  });

  it("refuses an expired or forged session cookie with UNAUTHORIZED", async () => {
    const admin = await createApiClient({ serverUrl: server.url, token: adminToken }).auth.whoami.query();
    for (const token of [
      await encode({ token: { sub: admin.id }, secret, maxAge: -60 }),
      await encode({ token: { sub: admin.id }, secret: "another-secret-another-secret-xx" }),
    ]) {
      const res = await fetch(`${server.url}/api/trpc/auth.whoami`, {
        headers: { cookie: `next-auth.session-token=${token}` },
      });
      expect(res.status).toBe(401);
    }
  });

  it("never leaks internals: malformed requests get coded errors without stack traces", async () => {
    const res = await fetch(`${server.url}/api/trpc/projects.create`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
      body: "{not json",
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(JSON.parse(text).error.json.data.appCode).toBe("VALIDATION");
    expect(text).not.toMatch(/stack|at .*\.ts:\d+|node_modules/);
    const unknown = await fetch(`${server.url}/api/trpc/nope.nothing`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.json.data.appCode).toBe("NOT_FOUND");
  });

  it("refuses unauthenticated sockets, and delivers project events with seq to authorised ones after commit", async () => {
    await expect(socket({})).rejects.toThrow("UNAUTHENTICATED");
    await expect(socket({ token: "svt_not-a-real-token-at-all" })).rejects.toThrow("UNAUTHENTICATED");

    const s = await socket({ token: adminToken });
    expect(await s.emitWithAck("subscribe", { room: "secret-room" })).toMatchObject({ ok: false, code: "VALIDATION" });
    expect(await s.emitWithAck("subscribe", { room: "fleet" })).toEqual({ ok: true });
    const received = new Promise<{ seq: number; project: { name: string } }>((resolve) =>
      s.on("project:upsert", resolve),
    );
    const name = uniqueSlug("sock");
    await createApiClient({ serverUrl: server.url, token: adminToken }).projects.create.mutate({ name, path: "/sock" });
    const event = await received;
    expect(event.project.name).toBe(name);
    expect(event.seq).toBeGreaterThan(0);
  });

  it("accepts the session cookie on the socket handshake from its own origin only", async () => {
    const { cookie } = await signIn(adminEmail, adminPassword);
    const s = await socket({ cookie: cookie!, origin: new URL(server.url).origin });
    expect(s.connected).toBe(true);
    // A page on another port of the same host is "same site": the cookie goes along, the origin gives it away.
    await expect(socket({ cookie: cookie!, origin: "http://127.0.0.1:5173" })).rejects.toThrow("CROSS_SITE");
  });
});
