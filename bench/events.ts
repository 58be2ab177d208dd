/**
 * bench/events: audited state changes per second. Workers edit projects through the real
 * procedure (`projects.update`: the row, its audit event signed into the HMAC chain, the
 * outbox row, one transaction) as fast as they can, each on its own project, on a real
 * PostgreSQL with the server's pool (10). Baseline in the same run: the same UPDATE plus an
 * unchained insert of a row of the same shape, in one transaction — the cost of the change
 * without the chain. Then `events verify` must find the chain whole and count every event.
 * Then the batched form: one transaction changing `--batch` rows with their events appended as
 * one signed run (appendEvents), which is how changes to many things at once are audited.
 *   node --import tsx bench/events.ts [--seconds 10] [--workers 32] [--batch 100] [--profile]
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { appendEvents, createDb, insertUser, verifyEventChain } from "@stratavore/db";
import { startTestPostgres } from "@stratavore/db/testing";
import { AccessWatch, ApiMetrics, createCaller, Fleet, hashPassword, MemoryBus } from "@stratavore/api";
import { deriveKey } from "@stratavore/server/testing";
import { startCpuProfile } from "./support/cpu-profile.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    workers: { type: "string", default: "32" },
    profile: { type: "boolean", default: false },
    batch: { type: "string", default: "100" },
  },
});
const seconds = Number(values.seconds);
const workers = Number(values.workers);
const batch = Number(values.batch);

const pg = await startTestPostgres(join(import.meta.dirname, "../prisma"), "bench_events");
const db = createDb({ connectionString: pg.url, poolMax: 10 });
const secret = randomBytes(32).toString("base64url");
const auditKey = deriveKey(secret, "audit");
const user = await insertUser(db, {
  email: "bench@example.test",
  name: "bench",
  role: "admin",
  passwordHash: await hashPassword("bench-admin-password"),
});
const api = createCaller({
  db,
  bus: new MemoryBus(),
  metrics: new ApiMetrics("bench"),
  config: {
    authSecret: secret,
    auditKey,
    channelKey: deriveKey(secret, "channels"),
    publicUrl: "http://localhost",
    sessionMaxAgeSeconds: 3600,
    version: "bench",
    secureCookies: false,
    claudeProjectsDir: "/nonexistent",
  },
  log: () => undefined,
  ip: "127.0.0.1",
  fleet: new Fleet(),
  access: new AccessWatch(),
  transcripts: { put: async () => undefined, get: async () => null, delete: async () => undefined } as never,
  principal: { user, via: "session", scopes: ["read", "write"] },
});
const projects = await Promise.all(
  Array.from({ length: workers }, (_, i) => api.projects.create({ name: `bench-${i}`, path: "/tmp" })),
);
const before = await db.event.count();

async function loop(until: number, work: (p: (typeof projects)[number], i: number) => Promise<unknown>) {
  let n = 0;
  await Promise.all(
    projects.map(async (p) => {
      for (let i = 0; performance.now() < until; i++) {
        await work(p, i);
        n++;
      }
    }),
  );
  return n;
}

const stopProfile = values.profile ? await startCpuProfile() : null;
let t0 = performance.now();
const changes = await loop(t0 + seconds * 1000, (p, i) => api.projects.update({ id: p.id, description: `edit ${i}` }));
const rate = changes / ((performance.now() - t0) / 1000);
const profileLines = stopProfile ? await stopProfile("events") : [];

// Baseline: the same change and a row of the same shape, no chain (no lock, no signature).
await db.$executeRaw`CREATE TABLE bench_event (LIKE "Event" INCLUDING DEFAULTS)`;
await db.$executeRaw`CREATE SEQUENCE bench_event_seq`;
t0 = performance.now();
const plain = await loop(t0 + Math.min(seconds, 10) * 1000, (p, i) =>
  db.$transaction([
    db.project.update({ where: { id: p.id }, data: { description: `plain ${i}` } }),
    db.$executeRaw`INSERT INTO bench_event (seq, type, "entityType", "entityId", "actorType", data, "prevHash", signature, "createdAt")
                   VALUES (nextval('bench_event_seq'), 'project.updated', 'project', ${p.id}, 'user', '{}'::jsonb, '', '', now())`,
  ]),
);
const plainRate = plain / ((performance.now() - t0) / 1000);

// Batched: a change that touches many things at once (a node's runners lost, a budget pausing
// its runners) — one UPDATE of `batch` rows and their `batch` events in one transaction,
// appended as one signed run (appendEvents). Each event is one audited state change.
await db.$executeRaw`CREATE TABLE bench_item (worker int, n int, value int)`;
await db.$executeRaw`INSERT INTO bench_item SELECT w, n, 0 FROM generate_series(0, ${workers - 1}) w, generate_series(1, ${batch}) n`;
const stopBatchProfile = values.profile ? await startCpuProfile() : null;
t0 = performance.now();
const runs = await loop(t0 + seconds * 1000, (p, i) =>
  db.$transaction(async (tx) => {
    const w = projects.indexOf(p);
    await tx.$executeRaw`UPDATE bench_item SET value = value + 1 WHERE worker = ${w}`;
    await appendEvents(
      tx,
      auditKey,
      Array.from({ length: batch }, (_, n) => ({
        type: "runner.lost",
        entityType: "bench_item",
        entityId: `${w}:${n}`,
        actorType: "system" as const,
        data: { round: i },
      })),
    );
  }),
);
const batchedRate = (runs * batch) / ((performance.now() - t0) / 1000);
const batchProfileLines = stopBatchProfile ? await stopBatchProfile("events-batched") : [];

t0 = performance.now();
const verified = await verifyEventChain(db, auditKey);
const verifySeconds = (performance.now() - t0) / 1000;

console.log(`events bench: ${workers} workers, ${seconds} s, pool 10`);
console.log(`  audited changes/s       : ${Math.round(rate)}   (target ≥ 10000)`);
console.log(
  `  unchained baseline      : ${Math.round(plainRate)} changes/s → the chain costs ${(100 - (rate / plainRate) * 100).toFixed(0)} % (${(rate / plainRate).toFixed(2)}× the baseline)`,
);
console.log(
  `  batched (runs of ${batch})     : ${Math.round(batchedRate)} audited changes/s, ${runs} transactions (${(batchedRate / rate).toFixed(0)}× one change per transaction)`,
);
const written = changes + runs * batch;
console.log(
  `  events verify           : ${verified.firstBrokenSeq === null ? "whole" : `BROKEN at ${verified.firstBrokenSeq}`}, ${verified.checked} events checked (${verified.checked - before} written here, ${written} changes made) in ${verifySeconds.toFixed(1)} s`,
);
console.log(`  machine load (1 min)    : ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores`);
for (const line of [...profileLines, ...batchProfileLines]) console.log(line);
await db.$disconnect();
await pg.stop();
process.exit(verified.firstBrokenSeq === null && verified.checked - before === written ? 0 : 1);
