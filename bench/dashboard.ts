/**
 * bench/dashboard: what the dashboard's reads cost at size — 1 M ledger rows over 90 days
 * (50 projects, 6 models), 100 k sessions, 1,000 running runners on 10 nodes, 20 budgets —
 * measured as server time (the procedures called in process, as the HTTP handler calls them):
 * the summary, usage by day/model/project for 30 and 90 days, the budgets list (each budget
 * evaluated), and a session search. Baselines in the same run: a bare `count(*)` of the ledger,
 * and for each usage report the scan it replaced (the same sums straight from the ledger).
 * Each usage report is then read again through the Redis hot-read cache (a real redis-server;
 * what a server with REDIS_URL does for a report another dashboard asked for seconds ago).
 * Targets (issue 17): summary p99 < 20 ms, usage pages < 100 ms.
 *   node --import tsx bench/dashboard.ts [--rows 1000000] [--runs 20]
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createClient } from "redis";
import { createCaller, FilesystemStore, hashPassword, redisReadCache } from "@stratavore/api";
import { createDb, insertUser } from "@stratavore/db";
import { startTestPostgres } from "@stratavore/db/testing";
import { seedLedgerWorld } from "./support/seed-ledger.ts";
import { localContext, startRedis } from "@stratavore/server/testing";
import { pct } from "./support/percentile.ts";

const { values } = parseArgs({
  options: { rows: { type: "string", default: "1000000" }, runs: { type: "string", default: "20" } },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
const ms = (t0: number) => performance.now() - t0;

const pg = await startTestPostgres(join(import.meta.dirname, "../prisma"), "bench_dashboard");
const db = createDb({ connectionString: pg.url, poolMax: 10 });
const seeded = await seedLedgerWorld(db, rows);
console.log(`seeded ${rows.toLocaleString()} ledger rows, 100,000 sessions, 1,000 runners in ${seeded.toFixed(1)} s`);
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
const redisDir = await mkdtemp(join(tmpdir(), "stratavore-bench-redis-"));
const redis = await startRedis(redisDir);
const redisClient = createClient({ url: redis.url });
await redisClient.connect();
const cachedApi = createCaller({
  ...localContext(db, secret, new FilesystemStore("/nonexistent")),
  readCache: redisReadCache(redisClient, () => undefined),
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
const since = (days: number) => new Date(Date.now() - days * day);
type Case = [string, () => Promise<unknown>, number];
const cases: Case[] = [
  ["usage.summary (dashboard tiles)", () => api.usage.summary(), 20],
  ["budgets.list (20 evaluated)", () => api.budgets.list(), 100],
  ["sessions search 'billing'", () => api.sessions.list({ search: "billing module part 4242" }), 100],
];
/** Each report three ways: the ledger scan it replaced (baseline), the rollup, the Redis cache. */
const reports: {
  name: string;
  scan: () => Promise<unknown>;
  rollup: () => Promise<unknown>;
  cached: () => Promise<unknown>;
}[] = [];
const groupSql = { day: `date_trunc('day', "occurredAt")`, model: "model", project: `"projectId"` } as const;
for (const by of ["day", "model", "project"] as const)
  for (const days of [30, 90]) {
    const from = since(days);
    reports.push({
      name: `usage by ${by}, ${days} days`,
      scan: () =>
        db.$queryRawUnsafe(
          `SELECT ${groupSql[by]} AS g, sum("totalTokens") AS t, sum("costUsd") AS c, count(*) AS n
             FROM "UsageRecord" WHERE "occurredAt" >= $1 GROUP BY 1 ORDER BY 2 DESC LIMIT 1000`,
          from,
        ),
      rollup: () => api.usage.query({ by, since: from }),
      cached: () => cachedApi.usage.query({ by, since: from }),
    });
  }

const timed = async (read: () => Promise<unknown>) => {
  await read(); // warm (for the cache: the first viewer computes and stores)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await read();
    times.push(ms(s));
  }
  return { p50: pct(times, 50), p99: pct(times, 99) };
};
const f = (x: number) => `${x.toFixed(1)} ms`;

const t0 = performance.now();
await db.$queryRawUnsafe(`SELECT count(*) FROM "UsageRecord"`);
console.log(`baseline: count(*) of the ledger ${ms(t0).toFixed(1)} ms`);
console.log(`${"read".padEnd(32)} ${"p50".padStart(9)} ${"p99".padStart(9)}  target`);
for (const [name, read, target] of cases) {
  const { p50, p99 } = await timed(read);
  console.log(
    `${name.padEnd(32)} ${f(p50).padStart(9)} ${f(p99).padStart(9)}  < ${target} ms ${p99 < target ? "met" : "NOT met"}`,
  );
}
console.log(
  `\n${"report (p50 / p99)".padEnd(28)} ${"ledger scan (baseline)".padStart(24)} ${"rollup".padStart(20)} ${"Redis cache hit".padStart(20)}  rollup vs scan, cache vs rollup`,
);
for (const r of reports) {
  const scan = await timed(r.scan);
  const rollup = await timed(r.rollup);
  const cached = await timed(r.cached);
  console.log(
    `${r.name.padEnd(28)} ${`${f(scan.p50)} / ${f(scan.p99)}`.padStart(24)} ${`${f(rollup.p50)} / ${f(rollup.p99)}`.padStart(20)} ${`${f(cached.p50)} / ${f(cached.p99)}`.padStart(20)}  ${(scan.p50 / rollup.p50).toFixed(1)}× faster, ${(rollup.p50 / cached.p50).toFixed(0)}× faster  (< 100 ms ${rollup.p99 < 100 ? "met" : "NOT met"} without the cache)`,
  );
}
console.log(`machine load (1 min): ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores`);
await redisClient.quit();
await redis.stop();
await rm(redisDir, { recursive: true, force: true });
await db.$disconnect();
await pg.stop();
process.exit(0);
