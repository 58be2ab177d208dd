import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io as connect, Manager, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hashPassword } from "@stratavore/api";
import { CLIENT_EVENTS, ROOMS, SOCKET_MESSAGE_BYTES } from "@stratavore/contracts";
import { createApiClient, describeError, type ApiClient } from "@stratavore/api-client";
import { createDb, ensureSession, insertEntries, insertUser, type Db } from "@stratavore/db";
import { transcriptEntryFixture } from "@stratavore/contracts/testing";
import { uniqueEmail, workerDatabase } from "@stratavore/db/testing";
import { readEnv } from "./env.ts";
import { startServer, type RunningServer } from "./server.ts";
import { signInCookie } from "./testing/sign-in.ts";

/**
 * Rights end when they are taken away (issue 13): open sockets, copied cookies, minted tokens;
 * and a signed-in browser's cookie cannot be ridden by another site's page.
 */
const PASSWORD = "security-test-password";
let server: RunningServer;
let db: Db;
let tmp: string;
let admin: ApiClient;
const sockets: Socket[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "stratavore-security-"));
  const adminEmail = uniqueEmail("sec-admin");
  const env = readEnv([], {
    DATABASE_URL: workerDatabase(inject("databaseUrls")),
    PORT: "0",
    STRATAVORE_DATA_DIR: tmp,
    STRATAVORE_SECRET: randomBytes(32).toString("base64url"),
    STRATAVORE_ADMIN_EMAIL: adminEmail,
    STRATAVORE_ADMIN_PASSWORD: PASSWORD,
  });
  server = await startServer(env, () => {}, { web: false });
  db = createDb({ connectionString: workerDatabase(inject("databaseUrls")), poolMax: 2 });
  if (!server.firstAdmin)
    await insertUser(db, {
      email: adminEmail,
      name: "Sec admin",
      role: "admin",
      passwordHash: await hashPassword(PASSWORD),
    });
  admin = createApiClient({ serverUrl: server.url, token: await tokenFor(adminEmail) });
});

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await db?.$disconnect();
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** A client that sends the session cookie, as the dashboard does. */
function cookieClient(cookie: string): ApiClient {
  return createApiClient({
    serverUrl: server.url,
    fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie } }),
  });
}

async function signIn(email: string, password = PASSWORD): Promise<string> {
  const { cookie } = await signInCookie(server.url, email, password);
  if (!cookie) throw new Error(`sign-in of ${email} refused`);
  return cookie;
}

async function tokenFor(email: string, scopes: ("read" | "write")[] = ["read", "write"]): Promise<string> {
  const created = await cookieClient(await signIn(email)).apiTokens.create.mutate({ name: "t", scopes });
  return created.secret;
}

async function newUser(role: "viewer" | "operator" | "admin"): Promise<{ id: string; email: string }> {
  const email = uniqueEmail(`sec-${role}`);
  const user = await admin.users.create.mutate({ email, name: role, role, password: PASSWORD });
  return { id: user.id, email };
}

const whoamiStatus = async (headers: Record<string, string>) =>
  (await fetch(`${server.url}/api/trpc/auth.whoami`, { headers })).status;

function socket(auth: { token?: string; cookie?: string }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(server.url, {
      path: "/socket.io",
      transports: ["websocket"],
      auth: auth.token ? { token: auth.token } : {},
      extraHeaders: auth.cookie ? { cookie: auth.cookie, origin: new URL(server.url).origin } : {},
      reconnection: false,
    });
    sockets.push(s);
    s.on("connect", () => resolve(s));
    s.on("connect_error", reject);
  });
}

/** Milliseconds until the server drops the socket, or null when it is still connected after `within`. */
function disconnectedWithin(s: Socket, within: number): Promise<number | null> {
  const started = Date.now();
  return new Promise((resolve) => {
    if (!s.connected) return resolve(0);
    const timer = setTimeout(() => resolve(null), within);
    s.once("disconnect", () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

const typeInto = (s: Socket) =>
  s.timeout(2000).emitWithAck("runner:input", { runnerId: randomUUID(), data: "ls\r" }) as Promise<{
    ok: boolean;
    code?: string;
  }>;

describe("open sockets lose revoked rights at once", () => {
  it("a revoked token's socket is disconnected within 2 s", async () => {
    const op = await newUser("operator");
    const token = await tokenFor(op.email);
    const s = await socket({ token });
    // Typing is allowed (the runner does not exist: NOT_FOUND, not FORBIDDEN).
    expect((await typeInto(s)).code).toBe("NOT_FOUND");
    const mine = createApiClient({ serverUrl: server.url, token });
    const [id] = (await mine.apiTokens.list.query()).map((t) => t.id);
    const gone = disconnectedWithin(s, 2000);
    await mine.apiTokens.revoke.mutate({ id: id! });
    expect(await gone).not.toBeNull();
  });

  it("a disabled user's socket is disconnected within 2 s", async () => {
    const op = await newUser("operator");
    const s = await socket({ token: await tokenFor(op.email) });
    const gone = disconnectedWithin(s, 2000);
    await admin.users.setDisabled.mutate({ id: op.id, disabled: true });
    expect(await gone).not.toBeNull();
  });

  it("a demoted operator's socket stays to watch but can no longer type", async () => {
    const op = await newUser("operator");
    const s = await socket({ token: await tokenFor(op.email) });
    expect((await typeInto(s)).code).toBe("NOT_FOUND");
    await admin.users.setRole.mutate({ id: op.id, role: "viewer" });
    expect(await typeInto(s)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(s.connected).toBe(true);
  });

  it("a browser socket is disconnected when its sign-in ends (sign out everywhere)", async () => {
    const op = await newUser("operator");
    const cookie = await signIn(op.email);
    const s = await socket({ cookie });
    const gone = disconnectedWithin(s, 2000);
    const ended = new Promise<string>((resolve) =>
      s.once("session:ended", (e: { reason: string }) => resolve(e.reason)),
    );
    await cookieClient(cookie).auth.signOutEverywhere.mutate();
    expect(await gone).not.toBeNull();
    expect(await ended).toMatch(/ended|revoked/);
  });
});

describe("socket events: who may do what (the socket half of the authorization matrix)", () => {
  const MISSING = "00000000-0000-4000-8000-000000000000";
  /** What each event answers for a missing runner when allowed; FORBIDDEN when not. */
  const probe: Record<(typeof CLIENT_EVENTS)[number], (s: Socket) => Promise<string>> = {
    subscribe: async (s) => code(await s.timeout(2000).emitWithAck("subscribe", { room: ROOMS.fleet })),
    unsubscribe: async (s) => (s.emit("unsubscribe", { room: ROOMS.fleet }), "OK"),
    "runner:attach": async (s) => code(await s.timeout(2000).emitWithAck("runner:attach", { runnerId: MISSING })),
    "runner:detach": async (s) => (s.emit("runner:detach", { runnerId: MISSING }), "OK"),
    "runner:input": async (s) =>
      code(await s.timeout(2000).emitWithAck("runner:input", { runnerId: MISSING, data: "x" })),
    "runner:resize": async (s) =>
      code(await s.timeout(2000).emitWithAck("runner:resize", { runnerId: MISSING, cols: 80, rows: 24 })),
  };
  const code = (ack: { ok: boolean; code?: string }) => (ack.ok ? "OK" : (ack.code ?? "?"));
  const allowedFor = { viewer: ["subscribe", "unsubscribe", "runner:attach", "runner:detach"] };

  it("covers every client event", () => {
    expect(Object.keys(probe).sort()).toEqual([...CLIENT_EVENTS].sort());
  });

  it("anonymous sockets are refused; viewers and read-only tokens watch; operators with write type", async () => {
    await expect(socket({})).rejects.toThrow("UNAUTHENTICATED");
    const viewer = await socket({ token: await tokenFor((await newUser("viewer")).email) });
    const readOnly = await socket({ token: await tokenFor((await newUser("admin")).email, ["read"]) });
    const operator = await socket({ token: await tokenFor((await newUser("operator")).email) });
    for (const event of CLIENT_EVENTS) {
      const watchOnly = allowedFor.viewer.includes(event);
      for (const s of [viewer, readOnly]) {
        const got = await probe[event](s);
        if (watchOnly) expect([event, got]).not.toEqual([event, "FORBIDDEN"]);
        else expect([event, got]).toEqual([event, "FORBIDDEN"]);
      }
      expect([event, await probe[event](operator)]).not.toEqual([event, "FORBIDDEN"]);
    }
  });
});

/**
 * A raw engine.io connection that never authenticates; sends one message of `bytes` and says
 * whether the server closed the connection within `within` ms.
 */
async function anonymousSend(bytes: number, within = 3000): Promise<"closed" | "open"> {
  const manager = new Manager(server.url, {
    path: "/socket.io",
    transports: ["websocket"],
    reconnection: false,
    autoConnect: false,
  });
  await new Promise<void>((resolve, reject) => manager.open((err) => (err ? reject(err) : resolve())));
  const engine = manager.engine;
  const closed = new Promise<"closed">((resolve) => engine.once("close", () => resolve("closed")));
  // A well-formed Socket.IO connect with a padded (and wrong) `auth`: refused by our middleware
  // without closing the connection, so only its size can close it.
  engine.send(`0{"pad":"${"x".repeat(bytes - 11)}"}`);
  const open = new Promise<"open">((resolve) => setTimeout(() => resolve("open"), within));
  const result = await Promise.race([closed, open]);
  engine.close();
  return result;
}

describe("message sizes", () => {
  it("a connection nobody has authenticated cannot send the 16 MB an agent may: over 1 MB it is closed", async () => {
    expect(await anonymousSend(SOCKET_MESSAGE_BYTES + 1000)).toBe("closed");
    expect(await anonymousSend(4_000_000)).toBe("closed");
    // Under the limit it is read (and ignored): the limit, not any message, closes it.
    expect(await anonymousSend(SOCKET_MESSAGE_BYTES - 1000, 1000)).toBe("open");
  });

  it("a batch of exports of a large session is bounded: past the server's share the rest are SERVER_BUSY, and the share comes back once the answer is sent", async () => {
    const id = randomUUID();
    await ensureSession(db, { id, projectId: null, nodeId: null, cwd: "/tmp" });
    // 45 lines of 1 MB: each export holds 135 MB of the 256 MB the server lets exports hold.
    await insertEntries(
      db,
      id,
      Array.from({ length: 45 }, (_, i) =>
        transcriptEntryFixture(`${i}${"z".repeat(999_990)}`, { offset: i * 1_000_000 }),
      ),
    );
    const token = await tokenFor((await newUser("viewer")).email);
    const exportBatch = async (n: number) => {
      const input = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: { id, format: "jsonl" } }]));
      const path = Array.from({ length: n }, () => "sessions.export").join(",");
      const res = await fetch(
        `${server.url}/api/trpc/${path}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      const body = (await res.json()) as { result?: unknown; error?: { json: { data: { appCode?: string } } } }[];
      return body.map((b) => (b.result ? "ok" : b.error?.json.data.appCode));
    };
    // The calls of a batch run side by side: which one gets the share is not fixed.
    expect((await exportBatch(3)).sort()).toEqual(["SERVER_BUSY", "SERVER_BUSY", "ok"]);
    expect(await exportBatch(1)).toEqual(["ok"]);
  });

  it("a signed-in client keeps the small limit too (a keystroke message is at most 64,000 characters)", async () => {
    const s = await socket({ token: await tokenFor((await newUser("operator")).email) });
    s.emit("runner:input", { runnerId: randomUUID(), data: "y".repeat(2_000_000) });
    expect(await disconnectedWithin(s, 3000)).not.toBeNull();
  });
});

describe("sign-out and passwords end sessions server-side", () => {
  it("a copied cookie stops working after sign-out", async () => {
    const op = await newUser("operator");
    const cookie = await signIn(op.email);
    expect(await whoamiStatus({ cookie })).toBe(200);
    const csrf = await fetch(`${server.url}/api/auth/csrf`, { headers: { cookie } });
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
    const out = await fetch(`${server.url}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: [cookie, ...csrfCookie].join("; ") },
      body: new URLSearchParams({ csrfToken, json: "true" }),
    });
    expect(out.status).toBeLessThan(400);
    expect(await whoamiStatus({ cookie })).toBe(401);
  });

  it("an admin's password reset ends every sign-in and every API token of that user, and no one else's", async () => {
    const op = await newUser("operator");
    const other = await newUser("operator");
    const [a, b] = [await signIn(op.email), await signIn(op.email)];
    // A token made with the old password, and one it minted: whoever knew the password may hold them.
    const token = await tokenFor(op.email);
    const minted = (
      await createApiClient({ serverUrl: server.url, token }).apiTokens.create.mutate({ name: "m", scopes: ["read"] })
    ).secret;
    const othersToken = await tokenFor(other.email);
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    expect([await whoamiStatus({ cookie: a }), await whoamiStatus({ cookie: b })]).toEqual([200, 200]);
    expect([await whoamiStatus(bearer(token)), await whoamiStatus(bearer(minted))]).toEqual([200, 200]);
    await admin.users.resetPassword.mutate({ id: op.id, password: "a-brand-new-password" });
    expect([await whoamiStatus({ cookie: a }), await whoamiStatus({ cookie: b })]).toEqual([401, 401]);
    expect([await whoamiStatus(bearer(token)), await whoamiStatus(bearer(minted))]).toEqual([401, 401]);
    expect(await whoamiStatus(bearer(othersToken))).toBe(200);
    // The audit row says how much ended.
    const [row] = await db.event.findMany({
      where: { type: "user.password_reset", entityId: op.id },
      orderBy: { seq: "desc" },
      take: 1,
    });
    // Three sign-ins: a, b and the one tokenFor made the token in.
    expect(row?.data).toMatchObject({ endedSessions: 3, revokedTokens: 2 });
  });

  it("changing your own password needs the current one, ends your other sign-ins and keeps this one", async () => {
    const op = await newUser("operator");
    const [here, elsewhere] = [await signIn(op.email), await signIn(op.email)];
    const me = cookieClient(here);
    const wrong = await me.auth.changePassword
      .mutate({ currentPassword: "not-my-password", newPassword: "another-long-password" })
      .catch((e: unknown) => describeError(e).code);
    expect(wrong).toBe("WRONG_PASSWORD");
    expect(
      await me.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: "another-long-password" }),
    ).toEqual({ endedSessions: 1 });
    expect([await whoamiStatus({ cookie: here }), await whoamiStatus({ cookie: elsewhere })]).toEqual([200, 401]);
    expect((await signInCookie(server.url, op.email, PASSWORD)).cookie).toBeNull();
    expect((await signInCookie(server.url, op.email, "another-long-password")).cookie).not.toBeNull();
    // The open sign-ins are listed, this one marked.
    const open = await me.auth.sessions.query();
    expect(open.filter((s) => s.current)).toHaveLength(1);
  });
});

describe("cookie-authenticated writes come from our own pages only", () => {
  const reprice = (headers: Record<string, string>, body: BodyInit = "{}") =>
    fetch(`${server.url}/api/trpc/usage.reprice`, { method: "POST", headers, body }).then(async (r) => ({
      status: r.status,
      code: ((await r.json()) as { error?: { json: { data: { appCode: string } } } }).error?.json.data.appCode,
    }));

  it("when the viewer who sized a runner's terminal last leaves, the latest size of those still watching applies again", async () => {
    // A phone that opened a runner and left kept every desktop at 39 columns (the phone review).
    const [runnerId, nodeId] = [randomUUID(), randomUUID()];
    server.deps.fleet.setOwner(runnerId, nodeId);
    const agents = server.deps.fleet.agents;
    const applied: string[] = [];
    const resize = agents.resize.bind(agents);
    agents.resize = (_node, runner, cols, rows) => (runner === runnerId && applied.push(`${cols}x${rows}`), true);
    try {
      const token = await tokenFor((await newUser("operator")).email);
      const size = (s: Socket, cols: number, rows: number) =>
        s.timeout(2000).emitWithAck("runner:resize", { runnerId, cols, rows }) as Promise<{ ok: boolean }>;
      const [desktop, phone] = [await socket({ token }), await socket({ token })];
      expect(await size(desktop, 120, 31)).toEqual({ ok: true });
      expect(await size(phone, 39, 30)).toEqual({ ok: true });
      phone.disconnect();
      await expect.poll(() => applied, { timeout: 5000 }).toEqual(["120x31", "39x30", "120x31"]);
      // Leaving the runner's page (detach) does the same; a viewer whose size is not in force changes nothing.
      const second = await socket({ token });
      await size(second, 40, 20);
      second.emit("runner:detach", { runnerId });
      await expect.poll(() => applied.length, { timeout: 5000 }).toBe(5);
      expect(applied.slice(3)).toEqual(["40x20", "120x31"]);
    } finally {
      agents.resize = resize;
    }
  });

  it("no answer may be framed by another site, nor sniffed, nor leak its URL in a Referer", async () => {
    for (const path of ["/", "/login", "/healthz", "/api/trpc/auth.whoami", "/api/v1/projects", "/api/openapi.json"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(
        {
          csp: res.headers.get("content-security-policy"),
          frame: res.headers.get("x-frame-options"),
          sniff: res.headers.get("x-content-type-options"),
          referrer: res.headers.get("referrer-policy"),
        },
        path,
      ).toEqual({ csp: "frame-ancestors 'none'", frame: "DENY", sniff: "nosniff", referrer: "same-origin" });
    }
  });

  it("refuses a foreign Origin, a cross-site fetch and a form post; accepts our own origin and bearer tokens", async () => {
    const cookie = await signIn((await newUser("admin")).email);
    const json = { "content-type": "application/json", cookie };
    expect(await reprice({ ...json, origin: "http://evil.example" })).toEqual({ status: 403, code: "CROSS_SITE" });
    // Same site, other port: SameSite=Lax lets the cookie ride along; the origin check does not.
    expect(await reprice({ ...json, origin: "http://127.0.0.1:1" })).toEqual({ status: 403, code: "CROSS_SITE" });
    expect(await reprice({ ...json, "sec-fetch-site": "same-site" })).toEqual({ status: 403, code: "CROSS_SITE" });
    const form = new FormData();
    form.set("x", "1");
    expect(await reprice({ cookie, origin: "http://evil.example" }, form)).toMatchObject({ status: 415 });
    expect(await reprice({ ...json, origin: new URL(server.url).origin, "sec-fetch-site": "same-origin" })).toEqual({
      status: 200,
      code: undefined,
    });
    const token = await tokenFor((await newUser("admin")).email);
    expect(
      await reprice({
        "content-type": "application/json",
        authorization: `Bearer ${token}`,
        origin: "http://evil.example",
      }),
    ).toEqual({ status: 200, code: undefined });
  });

  it("another site's link or image cannot make a signed-in admin's browser take a backup", async () => {
    const cookie = await signIn((await newUser("admin")).email);
    const backup = async (headers: Record<string, string>) => {
      const res = await fetch(`${server.url}/api/admin/backup`, { headers: { cookie, ...headers } });
      const body = await res.text();
      return { status: res.status, code: (JSON.parse(body) as { error?: { code?: string } }).error?.code };
    };
    const before = await db.event.count({ where: { type: "system.backup" } });
    expect(await backup({ "sec-fetch-site": "cross-site" })).toEqual({ status: 403, code: "CROSS_SITE" });
    expect(await backup({ "sec-fetch-site": "same-site" })).toEqual({ status: 403, code: "CROSS_SITE" });
    expect(await backup({ origin: "http://evil.example" })).toEqual({ status: 403, code: "CROSS_SITE" });
    expect(await db.event.count({ where: { type: "system.backup" } })).toBe(before);
    // From our own origin (or typed into the address bar) the cookie passes that check: a
    // viewer's is then refused for being a viewer, not for where it came from.
    const viewer = await signIn((await newUser("viewer")).email);
    const res = await fetch(`${server.url}/api/admin/backup`, {
      headers: { cookie: viewer, "sec-fetch-site": "none" },
    });
    expect(res.status).toBe(403);
    expect((JSON.parse(await res.text()) as { error?: { code?: string } }).error?.code).toBe("FORBIDDEN");
  });
});

describe("tokens minted by tokens", () => {
  it("get no more scopes and no longer life than their parent, and die with it", async () => {
    const op = await newUser("operator");
    const parentSecret = (
      await cookieClient(await signIn(op.email)).apiTokens.create.mutate({
        name: "parent",
        scopes: ["write", "read"],
        expiresInDays: 5,
      })
    ).secret;
    const parent = createApiClient({ serverUrl: server.url, token: parentSecret });
    const child = await parent.apiTokens.create.mutate({ name: "child", scopes: ["read", "write"] });
    const parentRow = (await parent.apiTokens.list.query()).find((t) => t.name === "parent")!;
    expect(child.token.expiresAt?.getTime()).toBe(parentRow.expiresAt?.getTime());
    const longer = await parent.apiTokens.create
      .mutate({ name: "x", scopes: ["read"], expiresInDays: 30 })
      .catch((e: unknown) => describeError(e).code);
    expect(longer).toBe("VALIDATION");
    const grandchild = await createApiClient({ serverUrl: server.url, token: child.secret }).apiTokens.create.mutate({
      name: "grandchild",
      scopes: ["read"],
    });
    // A write-only token cannot mint one that reads.
    const writeOnly = (await parent.apiTokens.create.mutate({ name: "w", scopes: ["write"] })).secret;
    const wider = await createApiClient({ serverUrl: server.url, token: writeOnly })
      .apiTokens.create.mutate({ name: "wider", scopes: ["read", "write"] })
      .catch((e: unknown) => describeError(e).code);
    expect(wider).toBe("TOKEN_SCOPE");

    await parent.apiTokens.revoke.mutate({ id: parentRow.id });
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    expect(await whoamiStatus(bearer(child.secret))).toBe(401);
    expect(await whoamiStatus(bearer(grandchild.secret))).toBe(401);
  });
});
