/**
 * bench/metrics: what a Prometheus scrape of /metrics costs as the ledger grows. Seeds N usage
 * rows (50 projects × 6 models) and 20,000 audit events into a real PostgreSQL, then times
 * scrapes over HTTP: the first (reads the whole audit log and aggregates the ledger), later
 * ones with the ledger totals fresh each time (STRATAVORE_METRICS_LEDGER_SECONDS=0) and cached
 * (the default 60 s). Baseline in the same run: one bare `SELECT count(*)` over the ledger.
 *   node --import tsx bench/metrics.ts [--rows 1000000] [--scrapes 10]
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createDb } from "@stratavore/db";
import { startTestPostgres } from "@stratavore/db/testing";
import { readEnv, startServer } from "@stratavore/server/testing";
import { pct } from "./support/percentile.ts";

const { values } = parseArgs({
  options: { rows: { type: "string", default: "1000000" }, scrapes: { type: "string", default: "10" } },
});
const rows = Number(values.rows);
const scrapes = Number(values.scrapes);
const TOKEN = "bench-metrics-token-0123456789";
const ms = (t0: number) => performance.now() - t0;

const pg = await startTestPostgres(join(import.meta.dirname, "../prisma"), "bench_metrics");
const db = createDb({ connectionString: pg.url, poolMax: 2 });
let t0 = performance.now();
await db.$executeRawUnsafe(`
  INSERT INTO "Project" (id, name, path, tags, "nodeLabels", "updatedAt")
  SELECT gen_random_uuid(), 'p' || i, '/tmp', '{}', '{}', now() FROM generate_series(1, 50) i`);
await db.$executeRawUnsafe(`
  INSERT INTO "UsageRecord" ("usageKey", "messageId", "projectId", model, "inputTokens", "outputTokens",
    "cacheWrite5mTokens", "cacheReadTokens", "totalTokens", "costUsd", "occurredAt")
  SELECT 'msg_' || i, 'msg_' || i, p.id, (ARRAY['claude-opus-4-5','claude-sonnet-4-5','claude-haiku-4-5','claude-opus-4-1','claude-sonnet-4','claude-3-5-haiku'])[1 + i % 6],
         4, 300, 1200, 5000, 6504, 0.01, now() - (i % 1000) * interval '1 minute'
    FROM generate_series(1, ${rows}) i
    JOIN (SELECT id, row_number() OVER () - 1 AS n FROM "Project") p ON p.n = i % 50`);
await db.$executeRawUnsafe(`
  INSERT INTO "Event" (type, "entityType", "actorType", "prevHash", signature)
  SELECT (ARRAY['runner.launched','runner.terminated','runner.failed','budget.warning'])[1 + i % 4], 'runner', 'system', 'x', 'y'
    FROM generate_series(1, 20000) i`);
await db.$executeRawUnsafe(`ANALYZE`);
console.log(`seeded ${rows.toLocaleString()} ledger rows and 20,000 events in ${(ms(t0) / 1000).toFixed(1)} s`);

t0 = performance.now();
await db.$queryRawUnsafe(`SELECT count(*) FROM "UsageRecord"`);
const countMs = ms(t0);

async function measure(ledgerSeconds: string): Promise<{ first: number; later: number[]; bytes: number }> {
  const tmp = await mkdtemp(join(tmpdir(), "stratavore-bench-"));
  const env = readEnv([], {
    DATABASE_URL: pg.url,
    PORT: "0",
    STRATAVORE_DATA_DIR: tmp,
    STRATAVORE_SECRET: randomBytes(32).toString("base64url"),
    STRATAVORE_ADMIN_PASSWORD: "bench-admin-password",
    STRATAVORE_METRICS_TOKEN: TOKEN,
    STRATAVORE_METRICS_LEDGER_SECONDS: ledgerSeconds,
    STRATAVORE_LOCAL_AGENT: "false",
  });
  const server = await startServer(env, () => {}, { web: false });
  const scrape = async () => {
    const s = performance.now();
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    if (!res.ok) throw new Error(`scrape failed: ${res.status} ${text}`);
    return { took: ms(s), bytes: text.length };
  };
  const first = await scrape();
  const later: number[] = [];
  for (let i = 0; i < scrapes; i++) later.push((await scrape()).took);
  await server.close();
  await rm(tmp, { recursive: true, force: true });
  return { first: first.took, later, bytes: first.bytes };
}

const fresh = await measure("0");
const cached = await measure("60");
const line = (name: string, r: { first: number; later: number[] }) =>
  `${name.padEnd(34)} first ${r.first.toFixed(0).padStart(6)} ms   later p50 ${pct(r.later, 50).toFixed(1).padStart(7)} ms  p99 ${pct(r.later, 99).toFixed(1).padStart(7)} ms  (${(pct(r.later, 50) / countMs).toFixed(2)}× the count)`;
console.log(`baseline: SELECT count(*) over the ledger  ${countMs.toFixed(1)} ms`);
console.log(line("ledger totals fresh every scrape", fresh));
console.log(line("ledger totals cached 60 s (default)", cached));
console.log(`exposition size ${(fresh.bytes / 1024).toFixed(0)} KB`);
await db.$disconnect();
await pg.stop();
