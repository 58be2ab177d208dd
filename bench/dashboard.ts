/**
 * bench/dashboard: what the dashboard's reads cost at size — 1 M ledger rows over 90 days
 * (50 projects, 6 models), 100 k sessions, 1,000 running runners on 10 nodes, 20 budgets —
 * measured as server time (the procedures called in process, as the HTTP handler calls them):
 * the summary, usage by day/model/project for 30 and 90 days, the budgets list (each budget
 * evaluated), and a session search. Baseline in the same run: a bare `count(*)` of the ledger.
 * Targets (issue 17): summary p99 < 20 ms, usage pages < 100 ms.
 *   node --import tsx bench/dashboard.ts [--rows 1000000] [--runs 20]
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createCaller, FilesystemStore, hashPassword } from "@stratavore/api";
import { createDb, insertUser } from "@stratavore/db";
import { startTestPostgres } from "@stratavore/db/testing";
import { localContext } from "@stratavore/server/testing";

const { values } = parseArgs({
  options: { rows: { type: "string", default: "1000000" }, runs: { type: "string", default: "20" } },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
const ms = (t0: number) => performance.now() - t0;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

const pg = await startTestPostgres(join(import.meta.dirname, "../prisma"), "bench_dashboard");
const db = createDb({ connectionString: pg.url, poolMax: 10 });
let t0 = performance.now();
await db.$executeRawUnsafe(`
  INSERT INTO "Project" (id, name, path, tags, "nodeLabels", "updatedAt")
  SELECT gen_random_uuid(), 'p' || i, '/tmp', '{}', '{}', now() FROM generate_series(1, 50) i`);
await db.$executeRawUnsafe(`
  INSERT INTO "Node" (id, name, hostname, "agentVersion", status, "credentialHash", labels, "updatedAt", "lastSeenAt")
  SELECT gen_random_uuid(), 'n' || i, 'n' || i, 'bench', 'online', md5(i::text), '{}', now(), now() FROM generate_series(1, 10) i`);
await db.$executeRawUnsafe(`
  INSERT INTO "Session" (id, "projectId", title, cwd, "firstMessageAt", "lastMessageAt", "messageCount", "updatedAt")
  SELECT 's' || i, p.id, 'refactor the billing module part ' || i, '/tmp', now() - (i % 90) * interval '1 day',
         now() - (i % 90) * interval '1 day' + interval '1 hour', 20, now()
    FROM generate_series(1, 100000) i
    JOIN (SELECT id, row_number() OVER () - 1 AS n FROM "Project") p ON p.n = i % 50`);
await db.$executeRawUnsafe(`
  INSERT INTO "Runner" (id, "projectId", "nodeId", status, "startedAt", "updatedAt")
  SELECT gen_random_uuid(), p.id, n.id, 'running', now(), now()
    FROM generate_series(1, 1000) i
    JOIN (SELECT id, row_number() OVER () - 1 AS k FROM "Project") p ON p.k = i % 50
    JOIN (SELECT id, row_number() OVER () - 1 AS k FROM "Node") n ON n.k = i % 10`);
await db.$executeRawUnsafe(`
  INSERT INTO "UsageRecord" ("usageKey", "messageId", "projectId", "sessionId", model, "inputTokens", "outputTokens",
    "cacheWrite5mTokens", "cacheReadTokens", "totalTokens", "costUsd", "occurredAt")
  SELECT 'msg_' || i, 'msg_' || i, p.id, 's' || (1 + i % 100000),
         (ARRAY['claude-opus-4-5','claude-sonnet-4-5','claude-haiku-4-5','claude-opus-4-1','claude-sonnet-4','claude-3-5-haiku'])[1 + i % 6],
         4, 300, 1200, 5000, 6504, 0.01, now() - (i % 129600) * interval '1 minute'
    FROM generate_series(1, ${rows}) i
    JOIN (SELECT id, row_number() OVER () - 1 AS n FROM "Project") p ON p.n = i % 50`);
await db.$executeRawUnsafe(`ANALYZE`);
console.log(
  `seeded ${rows.toLocaleString()} ledger rows, 100,000 sessions, 1,000 runners in ${(ms(t0) / 1000).toFixed(1)} s`,
);

const secret = randomBytes(32).toString("base64url");
const user = await insertUser(db, {
  email: "bench@example.test",
  name: "bench",
  role: "admin",
  passwordHash: await hashPassword("bench-admin-password"),
});
const api = createCaller({
  ...localContext(db, secret, new FilesystemStore("/nonexistent")),
  principal: { user, via: "session", scopes: ["read", "write"] },
});
for (let i = 0; i < 20; i++)
  await api.budgets.create({
    name: `b${i}`,
    scope: "project",
    scopeRef: `p${1 + i}`,
    period: i % 2 ? "monthly" : "daily",
    limitTokens: 1_000_000_000,
    action: "pause",
  });

const day = 86_400_000;
const cases: [string, () => Promise<unknown>, number][] = [
  ["usage.summary (dashboard tiles)", () => api.usage.summary(), 20],
  ["usage by day, 30 days", () => api.usage.query({ by: "day", since: new Date(Date.now() - 30 * day) }), 100],
  ["usage by day, 90 days", () => api.usage.query({ by: "day", since: new Date(Date.now() - 90 * day) }), 100],
  ["usage by model, 30 days", () => api.usage.query({ by: "model", since: new Date(Date.now() - 30 * day) }), 100],
  ["usage by model, 90 days", () => api.usage.query({ by: "model", since: new Date(Date.now() - 90 * day) }), 100],
  ["usage by project, 30 days", () => api.usage.query({ by: "project", since: new Date(Date.now() - 30 * day) }), 100],
  ["usage by project, 90 days", () => api.usage.query({ by: "project", since: new Date(Date.now() - 90 * day) }), 100],
  ["budgets.list (20 evaluated)", () => api.budgets.list(), 100],
  ["sessions search 'billing'", () => api.sessions.list({ search: "billing module part 4242" }), 100],
];

t0 = performance.now();
await db.$queryRawUnsafe(`SELECT count(*) FROM "UsageRecord"`);
console.log(`baseline: count(*) of the ledger ${ms(t0).toFixed(1)} ms`);
console.log(`${"read".padEnd(32)} ${"p50".padStart(9)} ${"p99".padStart(9)}  target`);
for (const [name, read, target] of cases) {
  await read(); // warm
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await read();
    times.push(ms(s));
  }
  const p99 = pct(times, 99);
  console.log(
    `${name.padEnd(32)} ${pct(times, 50).toFixed(1).padStart(7)} ms ${p99.toFixed(1).padStart(7)} ms  < ${target} ms ${p99 < target ? "met" : "NOT met"}`,
  );
}
console.log(`machine load (1 min): ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores`);
await db.$disconnect();
await pg.stop();
process.exit(0);
