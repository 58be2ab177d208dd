import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { procedureInputs } from "@stratavore/api";
import { createApiClient } from "@stratavore/api-client";
import { createScratchDatabase, uniqueEmail } from "@stratavore/db/testing";
import { readEnv } from "./env.ts";
import { startServer, type RunningServer } from "./server.ts";
import { hostileArbitrary, validArbitrary } from "./testing/schema-arbitrary.ts";
import { signInCookie } from "./testing/sign-in.ts";

/** Inputs drawn per procedure: half from its schema, half hostile. */
const RUNS_PER_PROCEDURE = 40;
/** What must never reach a client: SQL, ORM, stack frames, paths of our code. */
const INTERNALS =
  /prisma|postgres|SELECT |INSERT |UPDATE "|violates|\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|invocation/i;

const adminEmail = uniqueEmail("fuzz-admin");
const adminPassword = "fuzz-admin-password";
let server: RunningServer;
let tmp: string;
let token: string;
/** What the server logged as failures: the cause behind a 500, shown with the defect. */
const serverErrors: string[] = [];

const procedures = procedureInputs();

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "stratavore-fuzz-"));
  // Its own database: fuzzed budgets, users and projects must not reach other test files.
  const databaseUrl = await createScratchDatabase(inject("adminUrl"), "fuzz");
  const env = readEnv([], {
    DATABASE_URL: databaseUrl,
    PORT: "0",
    STRATAVORE_DATA_DIR: tmp,
    STRATAVORE_SECRET: randomBytes(32).toString("base64url"),
    STRATAVORE_ADMIN_EMAIL: adminEmail,
    STRATAVORE_ADMIN_PASSWORD: adminPassword,
    // usage.importLocal scans the server's disk: give it an empty Claude folder.
    CLAUDE_CONFIG_DIR: join(tmp, "claude"),
  });
  server = await startServer(
    env,
    (level, msg, fields) => {
      if (level === "error") serverErrors.push(`${msg} ${JSON.stringify(fields ?? {}).slice(0, 300)}`);
    },
    { web: false },
  );
  const { cookie } = await signInCookie(server.url, adminEmail, adminPassword);
  const api = createApiClient({
    serverUrl: server.url,
    fetch: (url, init) =>
      fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie: cookie ?? "" } }),
  });
  token = (await api.apiTokens.create.mutate({ name: "fuzz", scopes: ["read", "write"] })).secret;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function call(path: string, type: string, input: unknown): Promise<{ status: number; body: string }> {
  const wire = JSON.stringify({ json: input });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const res =
    type === "mutation"
      ? await fetch(`${server.url}/api/trpc/${path}`, { method: "POST", headers, body: wire })
      : await fetch(`${server.url}/api/trpc/${path}?input=${encodeURIComponent(wire)}`, { headers });
  return { status: res.status, body: await res.text() };
}

/** A failure a client can act on: not a 500, no internals, and (when JSON) one of our codes. */
function defect(res: { status: number; body: string }): string | null {
  if (res.status >= 500) return `HTTP ${res.status}`;
  if (INTERNALS.test(res.body)) return `internal text: ${res.body.match(INTERNALS)?.[0]}`;
  if (res.status >= 400 && res.body.startsWith("{")) {
    const code = (JSON.parse(res.body) as { error?: { json?: { data?: { appCode?: string } } } }).error?.json?.data
      ?.appCode;
    if (!code) return "error without a code";
  }
  return null;
}

describe("every procedure, fuzzed from its own schema and with hostile inputs", () => {
  it("never answers 500 nor shows internals", async () => {
    const failures: string[] = [];
    let cases = 0;
    const seed = Number(process.env.FUZZ_SEED ?? 20261130);
    for (const { path, type, input: json } of procedures) {
      const inputs = [
        ...fc.sample(validArbitrary(json), { numRuns: RUNS_PER_PROCEDURE / 2, seed }),
        ...fc.sample(hostileArbitrary(json), { numRuns: RUNS_PER_PROCEDURE / 2, seed }),
      ];
      for (const input of inputs) {
        cases++;
        const res = await call(path, type, input);
        const why = defect(res);
        if (why) failures.push(`${path} ${why} ← ${JSON.stringify(input).slice(0, 200)}  → ${res.body.slice(0, 200)}`);
      }
    }
    console.log(`fuzz: ${cases} cases over ${procedures.length} procedures (seed ${seed}), ${failures.length} defects`);
    const byProcedure = new Map<string, string>();
    for (const f of failures) if (!byProcedure.has(f.split(" ")[0] ?? "")) byProcedure.set(f.split(" ")[0] ?? "", f);
    expect({ defects: [...byProcedure.values()], logged: serverErrors.slice(0, 5) }).toEqual({
      defects: [],
      logged: [],
    });
  }, 600_000);
});

describe("request bodies the API refuses, with a code", () => {
  const post = (body: string | FormData, headers: Record<string, string>) =>
    fetch(`${server.url}/api/trpc/usage.reprice`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, ...headers },
      body,
    }).then(async (r) => ({ status: r.status, body: await r.text() }));
  const appCode = (body: string) =>
    (JSON.parse(body) as { error: { json: { data: { appCode: string } } } }).error.json.data.appCode;

  it("text/plain and multipart bodies get 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    const plain = await post("{}", { "content-type": "text/plain" });
    expect([plain.status, appCode(plain.body)]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    const form = new FormData();
    form.set("x", "1");
    const multipart = await post(form, {});
    expect([multipart.status, appCode(multipart.body)]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
  });

  it("a body over 1 MB gets 413 PAYLOAD_TOO_LARGE", async () => {
    const res = await fetch(`${server.url}/api/trpc/projects.create`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ json: { name: "big", path: "/x", description: "d".repeat(1_100_000) } }),
    });
    const body = await res.text();
    expect([res.status, appCode(body)]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
  });

  it("a batch of more than 50 calls is refused; 50 are answered", async () => {
    const batch = (n: number) =>
      fetch(
        `${server.url}/api/trpc/${Array(n).fill("system.health").join(",")}?batch=1&input=${encodeURIComponent("{}")}`,
        { headers: { authorization: `Bearer ${token}` } },
      ).then(async (r) => ({ status: r.status, body: await r.text() }));
    const ok = await batch(50);
    expect(ok.status).toBe(200);
    expect((JSON.parse(ok.body) as unknown[]).length).toBe(50);
    const refused = await batch(51);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("VALIDATION");
  });
});
