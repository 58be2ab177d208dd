/**
 * bench/launch: 100 concurrent launches through the real API onto one real agent running the
 * fake claude in real PTYs. Prints how many were accepted and p50/p95 time to `running`, and
 * as a baseline from the same run, the time of one launch alone.
 *   node --import tsx bench/launch.ts [--launches 100]
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startTestPostgres } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "@stratavore/server/testing";

const { values } = parseArgs({ options: { launches: { type: "string", default: "100" } } });
const n = Number(values.launches);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

const pg = await startTestPostgres(join(import.meta.dirname, "../prisma"), "bench_launch");
const h = await FleetHarness.start(pg.url, { heartbeatTtlMs: 600_000 });
const checkout = join(h.tmp, "checkout");
await mkdir(checkout, { recursive: true });
await h.startAgent("bench-node", { capacity: n + 1 });
// The single baseline launch is stopped first, so the quota (max 100) leaves room for all n.
const project = await h.api.projects.create({ name: "bench-launch", path: checkout, maxRunners: Math.min(100, n) });

const errors = new Map<string, number>();
const timed = async () => {
  const t0 = performance.now();
  try {
    await h.api.runners.launch({ project: project.name });
    return performance.now() - t0;
  } catch (err) {
    errors.set(
      String((err as { cause?: { code?: string } }).cause?.code ?? err),
      (errors.get(String((err as { cause?: { code?: string } }).cause?.code ?? err)) ?? 0) + 1,
    );
    return null;
  }
};
const single = (await timed())!;
const [first] = await h.api.runners.list({ project: project.name });
await h.api.runners.kill({ id: first!.id });
await waitFor(
  "baseline runner ended",
  async () => (await h.api.runners.list({ project: project.name, status: "active" })).length === 0,
);
const t0 = performance.now();
const results = await Promise.all(Array.from({ length: n }, timed));
const wall = performance.now() - t0;
const ok = results.filter((r): r is number => r !== null);

console.log(`launch bench: ${n} concurrent launches, one agent, fake claude in PTYs`);
console.log(
  `  accepted              : ${ok.length} / ${n}${errors.size ? `  (refused: ${[...errors].map(([k, v]) => `${k} ×${v}`).join(", ")})` : ""}`,
);
console.log(
  `  time to running       : p50 ${pct(ok, 50).toFixed(0)} ms, p95 ${pct(ok, 95).toFixed(0)} ms, all ${wall.toFixed(0)} ms`,
);
console.log(
  `  baseline (one alone)  : ${single.toFixed(0)} ms → p50 under load is ${(pct(ok, 50) / single).toFixed(1)}× it`,
);

const active = await h.api.runners.list({ project: project.name, status: "active", limit: 500 });
await Promise.all(active.map((r) => h.api.runners.kill({ id: r.id })));
await waitFor(
  "all ended",
  async () => (await h.api.runners.list({ project: project.name, status: "active" })).length === 0,
  60_000,
);
await h.stop();
await pg.stop();
process.exit(0);
