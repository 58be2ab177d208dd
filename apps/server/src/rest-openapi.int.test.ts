import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";

/**
 * REST and its OpenAPI document, from outside: every documented route is called over HTTP with
 * an API token, and every answer — success or error — is checked against the schema the
 * document gives for it, with an independent JSON Schema validator (Ajv, draft 2020-12).
 */
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};
/** What a route answers, read loosely: each answer is checked against its schema first. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema check is the type
type Body = any;
type Operation = {
  operationId: string;
  parameters?: { name: string; required?: boolean }[];
  security?: unknown[];
  responses: Record<string, { content: { "application/json": { schema: unknown } } }>;
};

let h: FleetHarness;
let doc: Doc;
let admin: string;
let reader: string;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const called = new Set<string>();

function operation(method: string, path: string): Operation {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in the document`);
  return op;
}

const validators = new Map<string, ValidateFunction>();
function validatorFor(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile({ ...(schema as object), components: doc.components });
    validators.set(key, v);
  }
  return v;
}

/** Calls a documented route; checks the answer against the document's schema for its status. */
async function call(
  method: string,
  template: string,
  opts: { params?: Record<string, string>; query?: string; body?: unknown; token?: string | null } = {},
): Promise<{ status: number; body: Body }> {
  const op = operation(method, template);
  let path = template;
  for (const [k, v] of Object.entries(opts.params ?? {})) path = path.replace(`{${k}}`, encodeURIComponent(v));
  const token = opts.token === undefined ? admin : opts.token;
  const res = await fetch(`${h.server.url}${path}${opts.query ? `?${opts.query}` : ""}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const body = (await res.json()) as Body;
  const schema = (op.responses[String(res.status)] ?? op.responses.default)!.content["application/json"].schema;
  const validate = validatorFor(schema);
  expect(validate(body), `${method} ${path} → ${res.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  if (res.status === 200) called.add(op.operationId);
  return { status: res.status, body };
}

beforeAll(async () => {
  h = await FleetHarness.start(workerDatabase(inject("databaseUrls")));
  await h.startAgent("rest-node");
  admin = (await h.api.apiTokens.create({ name: "rest-admin", scopes: ["read", "write"] })).secret;
  reader = (await h.api.apiTokens.create({ name: "rest-reader", scopes: ["read"] })).secret;
  const res = await fetch(`${h.server.url}/api/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
}, 90_000);

afterAll(async () => {
  await h?.stop();
});

describe("REST /api/v1 and /api/openapi.json", () => {
  it("publishes an OpenAPI 3.1 document whose schemas all compile", () => {
    expect(doc.openapi).toBe("3.1.0");
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
    expect(ops.length).toBeGreaterThanOrEqual(30);
    for (const op of ops)
      for (const r of Object.values(op.responses)) validatorFor(r.content["application/json"].schema);
  });

  it("answers every documented route as its schema says", async () => {
    const workdir = join(h.tmp, "rest-work");
    await mkdir(workdir, { recursive: true });
    const name = uniqueSlug("rest");
    await call("GET", "/api/v1/health");

    const created = await call("POST", "/api/v1/projects", { body: { name, path: workdir, tags: ["api"] } });
    expect(created.status).toBe(200);
    const projectId = created.body.id as string;
    expect((await call("GET", "/api/v1/projects", { query: "tag=api&includeArchived=false" })).body).toEqual(
      expect.arrayContaining([expect.objectContaining({ name })]),
    );
    expect((await call("GET", "/api/v1/projects/{ref}", { params: { ref: name } })).body.id).toBe(projectId);
    // The test's node has the folder (its agent answers for this machine's filesystem).
    const folder = await call("GET", "/api/v1/projects/{ref}/folder", { params: { ref: name } });
    expect(folder.body.path).toBe(workdir);
    expect(folder.body.nodes).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "rest-node", present: true })]),
    );
    await call("PATCH", "/api/v1/projects/{id}", { params: { id: projectId }, body: { description: "via REST" } });

    const launched = await call("POST", "/api/v1/runners", {
      body: { project: name, node: "rest-node", prompt: "hello from REST" },
    });
    expect(launched.status).toBe(200);
    const runnerId = launched.body.id as string;
    expect(launched.body.status).toBe("running");
    const listed = await call("GET", "/api/v1/runners", { query: `project=${name}&status=active&limit=10` });
    expect(listed.body.map((r: { id: string }) => r.id)).toEqual([runnerId]);
    await call("GET", "/api/v1/runners/{id}", { params: { id: runnerId } });
    await call("POST", "/api/v1/runners/{id}/pause", { params: { id: runnerId } });
    await call("POST", "/api/v1/runners/{id}/unpause", { params: { id: runnerId } });
    const sessionId = (await h.api.runners.get({ id: runnerId })).sessionId!;
    await call("POST", "/api/v1/runners/{id}/stop", { params: { id: runnerId } });
    await waitFor("stopped", async () => (await h.api.runners.get({ id: runnerId })).status === "terminated");
    const timeline = await call("GET", "/api/v1/runners/{id}/timeline", { params: { id: runnerId } });
    expect(timeline.status).toBe(200);

    await call("GET", "/api/v1/sessions", { query: `project=${name}` });
    expect((await call("GET", "/api/v1/sessions/{id}", { params: { id: sessionId } })).body.id).toBe(sessionId);
    await call("GET", "/api/v1/sessions/{id}/entries", { params: { id: sessionId }, query: "limit=5" });
    await call("GET", "/api/v1/sessions/{id}/export", { params: { id: sessionId }, query: "format=md" });
    const resumed = await call("POST", "/api/v1/sessions/{id}/resume", {
      params: { id: sessionId },
      body: { node: "rest-node" },
    });
    expect(resumed.status).toBe(200);
    await call("POST", "/api/v1/runners/{id}/kill", { params: { id: resumed.body.id } });

    await call("GET", "/api/v1/usage", { query: `project=${name}&by=day&since=2020-01-01T00:00:00Z` });
    await call("GET", "/api/v1/usage/summary");

    const budget = await call("POST", "/api/v1/budgets", {
      body: { name: uniqueSlug("b"), scope: "project", scopeRef: name, period: "daily", limitUsd: 5 },
    });
    expect(budget.status).toBe(200);
    await call("GET", "/api/v1/budgets");
    await call("GET", "/api/v1/budgets/{id}", { params: { id: budget.body.id } });
    await call("PATCH", "/api/v1/budgets/{id}", { params: { id: budget.body.id }, body: { warnPercent: 50 } });
    await call("DELETE", "/api/v1/budgets/{id}", { params: { id: budget.body.id } });

    await call("GET", "/api/v1/nodes");
    await call("GET", "/api/v1/nodes/{ref}", { params: { ref: "rest-node" } });

    const events = await call("GET", "/api/v1/events", { query: `project=${name}&type=project.&limit=5` });
    expect((events.body.items as { type: string }[]).map((e) => e.type)).toContain("project.created");
    const channel = await call("POST", "/api/v1/channels", {
      body: { name: uniqueSlug("ch"), config: { kind: "in_app" }, eventFilter: ["node.revoked"] },
    });
    expect(channel.status).toBe(200);
    const channelId = (channel.body.channel as { id: string }).id;
    await call("GET", "/api/v1/channels");
    await call("PATCH", "/api/v1/channels/{id}", { params: { id: channelId }, body: { minSeverity: "critical" } });
    expect((await call("POST", "/api/v1/channels/{id}/test", { params: { id: channelId } })).body.ok).toBe(true);
    await call("GET", "/api/v1/channels/{id}/attempts", { params: { id: channelId }, query: "limit=5" });
    const mine = await call("GET", "/api/v1/notifications", { query: "limit=5" });
    expect((mine.body.items as { type: string }[])[0]?.type).toBe("channel.test");
    const read = await call("POST", "/api/v1/notifications/read", { body: {} });
    expect(read.body).toEqual({ unread: 0 });
    await call("DELETE", "/api/v1/channels/{id}", { params: { id: channelId } });
    await call("GET", "/api/v1/jobs");
    expect((await call("POST", "/api/v1/events/verify", { body: {} })).status).toBe(200);

    const task = await call("POST", "/api/v1/tasks", { body: { project: name, prompt: "from REST" } });
    expect(task.body).toMatchObject({ status: "queued", source: "api" });
    await call("GET", "/api/v1/tasks", { query: `project=${name}&status=queued` });
    await call("GET", "/api/v1/tasks/{id}", { params: { id: task.body.id } });
    expect((await call("POST", "/api/v1/tasks/{id}/cancel", { params: { id: task.body.id } })).body.status).toBe(
      "cancelled",
    );
    await call("PATCH", "/api/v1/pools/{project}", { params: { project: name }, body: { maxRunners: 2 } });
    expect((await call("GET", "/api/v1/pools/{project}", { params: { project: name } })).body.maxRunners).toBe(2);

    await call("POST", "/api/v1/projects/{id}/archive", { params: { id: projectId } });
    await call("POST", "/api/v1/projects/{id}/unarchive", { params: { id: projectId } });
    await waitFor("resumed runner ended", async () => (await h.api.runners.get({ id: resumed.body.id })).endedAt);
    await call("DELETE", "/api/v1/projects/{id}", { params: { id: projectId } });

    const documented = Object.values(doc.paths).flatMap((p) => Object.values(p).map((op) => op.operationId));
    expect([...called].sort()).toEqual([...documented].sort());
  }, 90_000);

  it("a GET with no query string is the call with every optional field left out (it was refused VALIDATION)", async () => {
    const plain = Object.entries(doc.paths).filter(([path, ops]) => ops.get && !path.includes("{"));
    expect(plain.length).toBeGreaterThan(10);
    for (const [path] of plain) {
      const required = (operation("GET", path).parameters ?? []).some((p) => p.required);
      const { status, body } = await call("GET", path);
      if (!required) expect(status, `GET ${path}: ${JSON.stringify(body)}`).toBe(200);
      else expect(status, `GET ${path}`).toBe(400);
    }
  });

  it("refuses with coded errors the document describes, never a 500", async () => {
    const noToken = await call("GET", "/api/v1/projects", { token: null });
    expect([noToken.status, noToken.body.error.code]).toEqual([401, "UNAUTHENTICATED"]);
    // Health answers a probe without a token, as its tRPC procedure does, and the document says so.
    const probe = await call("GET", "/api/v1/health", { token: null });
    expect(probe.status).toBe(200);
    expect(operation("GET", "/api/v1/health").security).toEqual([]);
    expect(operation("GET", "/api/v1/projects").security).toBeUndefined();
    const badLimit = await call("GET", "/api/v1/runners", { query: "limit=lots" });
    expect([badLimit.status, badLimit.body.error.code]).toEqual([400, "VALIDATION"]);
    expect(badLimit.body.error.issues[0].path).toBe("limit");
    const scope = await call("POST", "/api/v1/projects", { token: reader, body: { name: "x", path: "/tmp" } });
    expect([scope.status, scope.body.error.code]).toEqual([403, "TOKEN_SCOPE"]);
    const missing = await call("GET", "/api/v1/runners/{id}", {
      params: { id: "00000000-0000-4000-8000-000000000000" },
    });
    expect([missing.status, missing.body.error.code]).toEqual([404, "NOT_FOUND"]);

    const raw = (path: string, init: RequestInit) =>
      fetch(`${h.server.url}${path}`, { ...init, headers: { authorization: `Bearer ${admin}`, ...init.headers } });
    const notJson = await raw("/api/v1/projects", {
      method: "POST",
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect([notJson.status, ((await notJson.json()) as Body).error.code]).toEqual([400, "VALIDATION"]);
    const plain = await raw("/api/v1/projects", {
      method: "POST",
      body: "name=x",
      headers: { "content-type": "text/plain" },
    });
    expect([plain.status, ((await plain.json()) as Body).error.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    const nowhere = await raw("/api/v1/nowhere", { method: "GET" });
    expect([nowhere.status, ((await nowhere.json()) as Body).error.code]).toEqual([404, "NOT_FOUND"]);
    const wrongMethod = await raw("/api/v1/usage/summary", { method: "DELETE" });
    expect([wrongMethod.status, wrongMethod.headers.get("allow")]).toEqual([405, "GET"]);
    expect(((await wrongMethod.json()) as Body).error).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
    const big = await raw("/api/v1/projects", {
      method: "POST",
      body: JSON.stringify({ name: "x", path: "x".repeat(1_100_000) }),
      headers: { "content-type": "application/json" },
    });
    expect([big.status, ((await big.json()) as Body).error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
  });
});
