/**
 * bench/launch: 100 concurrent launches through the real API onto one real agent (its own
 * process) running the fake claude in real PTYs. Two bursts: `wait: "accepted"` (the API
 * answers once the `starting` row is committed) and the default `wait: "running"` (it answers
 * when the agent started claude). For each: the API's answer p50/p95, time to `running` (the
 * row's startedAt) p50/p95, refusals, and server errors logged during the burst (a pool
 * starved by the burst shows here). Baseline from the same run: one launch alone.
 *   node --import tsx bench/launch.ts [--launches 100] [--profile]
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startTestPostgres } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "@stratavore/server/testing";
import { startCpuProfile } from "./support/cpu-profile.ts";
import { pct } from "./support/percentile.ts";

const { values } = parseArgs({
  options: { launches: { type: "string", default: "100" }, profile: { type: "boolean", default: false } },
});
const n = Number(values.launches);

const pg = await startTestPostgres(join(import.meta.dirname, "../prisma"), "bench_launch");
let errorsLogged: string[] = [];
const h = await FleetHarness.start(pg.url, { heartbeatTtlMs: 600_000 }, {}, (level, msg, meta) => {
  if (level === "error") errorsLogged.push(`${msg} ${JSON.stringify(meta ?? {})}`.slice(0, 200));
});
const checkout = join(h.tmp, "checkout");
await mkdir(checkout, { recursive: true });
await h.startAgent("bench-node", { capacity: n + 1 });
const project = await h.api.projects.create({ name: "bench-launch", path: checkout, maxRunners: Math.min(100, n) });

type Wait = "accepted" | "running";
interface Timed {
  id: string;
  sentAt: number;
  answerMs: number;
}
const refusals = new Map<string, number>();
const launchTimed = async (wait: Wait): Promise<Timed | null> => {
  const sentAt = Date.now();
  const t0 = performance.now();
  try {
    const r = await h.api.runners.launch({ project: project.name, wait });
    return { id: r.id, sentAt, answerMs: performance.now() - t0 };
  } catch (err) {
    const code = String((err as { cause?: { code?: string } }).cause?.code ?? err);
    refusals.set(code, (refusals.get(code) ?? 0) + 1);
    return null;
  }
};
/** Time from the request to the row's `running` (startedAt is written when the agent answered). */
const toRunning = async (launched: Timed[]) => {
  const ids = launched.map((l) => l.id);
  await waitFor(
    "all running",
    async () => (await h.db.runner.count({ where: { id: { in: ids }, status: "running" } })) === ids.length,
    120_000,
  );
  const rows = await h.db.runner.findMany({ where: { id: { in: ids } }, select: { id: true, startedAt: true } });
  const sent = new Map(launched.map((l) => [l.id, l.sentAt]));
  return rows.map((r) => r.startedAt!.getTime() - sent.get(r.id)!);
};
const endAll = async () => {
  const active = await h.api.runners.list({ project: project.name, status: "active", limit: 500 });
  await Promise.all(active.map((r) => h.api.runners.kill({ id: r.id })));
  await waitFor(
    "all ended",
    async () => (await h.api.runners.list({ project: project.name, status: "active" })).length === 0,
    60_000,
  );
};

const alone = (await launchTimed("running"))!;
const [aloneRunning] = await toRunning([alone]);
await endAll();

const bursts = {} as Record<Wait, { answers: number[]; running: number[]; ok: number; wall: number; errors: string[] }>;
const profileLines: string[] = [];
for (const wait of ["accepted", "running"] as const) {
  refusals.clear();
  errorsLogged = [];
  const t0 = performance.now();
  const stopProfile = values.profile ? await startCpuProfile() : null;
  const results = await Promise.all(Array.from({ length: n }, () => launchTimed(wait)));
  if (stopProfile) profileLines.push(`  wait: "${wait}"`, ...(await stopProfile(`launch-${wait}-server`)));
  const ok = results.filter((r): r is Timed => r !== null);
  const running = await toRunning(ok);
  bursts[wait] = {
    answers: ok.map((r) => r.answerMs),
    running,
    ok: ok.length,
    wall: performance.now() - t0,
    errors: errorsLogged,
  };
  await endAll();
}

const ms = (x: number) => `${x.toFixed(0)} ms`;
console.log(`launch bench: ${n} concurrent launches, one agent (own process), fake claude in PTYs`);
console.log(`  baseline, one launch alone : answer ${ms(alone.answerMs)}, running after ${ms(aloneRunning!)}`);
for (const wait of ["accepted", "running"] as const) {
  const b = bursts[wait];
  console.log(`  wait: "${wait}"`);
  console.log(
    `    accepted            : ${b.ok} / ${n}${refusals.size ? ` (refused: ${[...refusals].join(", ")})` : ""}`,
  );
  console.log(
    `    API answer          : p50 ${ms(pct(b.answers, 50))}, p95 ${ms(pct(b.answers, 95))} (target p95 < 200 ms for "accepted")`,
  );
  console.log(
    `    time to running     : p50 ${ms(pct(b.running, 50))}, p95 ${ms(pct(b.running, 95))}, all in ${ms(b.wall)}; p50 is ${(pct(b.running, 50) / aloneRunning!).toFixed(1)}× one alone`,
  );
  console.log(`    server errors logged: ${b.errors.length}${b.errors.length ? ` — first: ${b.errors[0]}` : ""}`);
}
for (const line of profileLines) console.log(line);
await h.stop();
await pg.stop();
process.exit(0);
