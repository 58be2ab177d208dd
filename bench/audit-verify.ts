/**
 * bench/audit-verify: verifying the audit log's HMAC chain at 1 M events. Seeds N events
 * signed and chained exactly as the server signs them (`signEvent`), into a real PostgreSQL,
 * then times `verifyEventChain` (pages of 5,000 by sequence) while sampling the process's
 * RSS, so "constant memory" is a figure, not a claim. Baseline in the same run: the same
 * paged read with no HMAC, i.e. what reading the log alone costs. Then one row in the middle
 * is altered and the check must name it.
 *   node --expose-gc --import tsx bench/audit-verify.ts [--events 1000000]
 * (with --expose-gc each phase starts from a collected heap; the peak heap is sampled too).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createDb, signEvent, verifyEventChain, type AuditInput } from "@stratavore/db";
import { startTestPostgres } from "@stratavore/db/testing";

const { values } = parseArgs({ options: { events: { type: "string", default: "1000000" } } });
const total = Number(values.events);
const KEY = "bench-audit-key";
const BATCH = 10_000;
const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
const ms = (t0: number) => performance.now() - t0;

const pg = await startTestPostgres(join(import.meta.dirname, "../prisma"), "bench_audit");
const db = createDb({ connectionString: pg.url, poolMax: 2 });

const t0 = performance.now();
let prev = "genesis";
const base = Date.now() - total;
const types = ["runner.started", "runner.terminated", "budget.warning", "project.updated"];
for (let from = 0; from < total; from += BATCH) {
  const cols = {
    type: [] as string[],
    entityId: [] as string[],
    data: [] as string[],
    prev: [] as string[],
    sig: [] as string[],
    at: [] as Date[],
  };
  for (let i = from; i < Math.min(total, from + BATCH); i++) {
    const input: AuditInput = {
      type: types[i % types.length]!,
      entityType: "runner",
      entityId: `r-${i % 997}`,
      actorType: "system",
      data: { i, name: `budget-${i % 13}`, percent: i % 120 },
    };
    const at = new Date(base + i);
    const sig = signEvent(KEY, prev, input, at);
    cols.type.push(input.type);
    cols.entityId.push(input.entityId!);
    cols.data.push(JSON.stringify(input.data));
    cols.prev.push(prev);
    cols.sig.push(sig);
    cols.at.push(at);
    prev = sig;
  }
  await db.$executeRaw`
    INSERT INTO "Event" (type, "entityType", "entityId", "actorType", data, "prevHash", signature, "createdAt")
    SELECT t, 'runner', e, 'system', d::jsonb, p, s, a
      FROM unnest(${cols.type}::text[], ${cols.entityId}::text[], ${cols.data}::text[], ${cols.prev}::text[],
                  ${cols.sig}::text[], ${cols.at}::timestamp(3)[]) AS x(t, e, d, p, s, a)`;
}
await db.$executeRawUnsafe("ANALYZE");
console.log(`seeded ${total.toLocaleString()} signed, chained events in ${(ms(t0) / 1000).toFixed(1)} s`);

/** Peak RSS and heap while `work` runs, sampled every 20 ms, from a collected heap. */
async function withPeakRss<T>(work: () => Promise<T>) {
  global.gc?.();
  const before = process.memoryUsage();
  let peak = before.rss;
  let heapPeak = before.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const start = performance.now();
  const value = await work();
  const took = ms(start);
  clearInterval(timer);
  sample();
  return { value, ms: took, peak, before: before.rss, heapBefore: before.heapUsed, heapPeak };
}

// Baseline: the same pages, read and dropped.
const read = await withPeakRss(async () => {
  let after = 0n;
  let n = 0;
  for (;;) {
    const rows = await db.event.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: 5000 });
    n += rows.length;
    const last = rows.at(-1);
    if (!last || rows.length < 5000) return n;
    after = last.seq;
  }
});
const verify = await withPeakRss(() => verifyEventChain(db, KEY));
if (verify.value.firstBrokenSeq !== null || verify.value.checked !== total)
  throw new Error(`the intact chain did not verify: ${JSON.stringify(verify.value)}`);

const middle = Math.floor(total / 2);
await db.$executeRawUnsafe(`UPDATE "Event" SET data = '{"i":-1}' WHERE seq = ${middle}`);
const broken = await withPeakRss(() => verifyEventChain(db, KEY));
if (broken.value.firstBrokenSeq !== middle) throw new Error(`tampering not found: ${JSON.stringify(broken.value)}`);

const rate = (n: number, t: number) => Math.round((n / t) * 1000).toLocaleString();
console.log(`
audit chain verification, ${total.toLocaleString()} events (pages of 5,000):
  read only (baseline) ${(read.ms / 1000).toFixed(1)} s  ${rate(total, read.ms)} events/s  RSS ${mb(read.before)} → peak ${mb(read.peak)} MB, heap ${mb(read.heapBefore)} → peak ${mb(read.heapPeak)} MB
  verify               ${(verify.ms / 1000).toFixed(1)} s  ${rate(total, verify.ms)} events/s  RSS ${mb(verify.before)} → peak ${mb(verify.peak)} MB, heap ${mb(verify.heapBefore)} → peak ${mb(verify.heapPeak)} MB
  verify / read        ${(verify.ms / read.ms).toFixed(2)}×
  tampered at #${middle.toLocaleString()}: found in ${(broken.ms / 1000).toFixed(1)} s after ${broken.value.checked.toLocaleString()} good events`);

await db.$disconnect();
await pg.stop();
