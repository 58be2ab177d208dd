/**
 * bench/heartbeat: simulated agents carrying 1000 runners in total send batched heartbeats
 * over real Socket.IO to a real server on a real PostgreSQL. Prints runner-beats/s ingested,
 * p50/p99 processing time per batch, server CPU and RSS, and the ratio to a baseline measured
 * in the same run: the naive way, one UPDATE per runner.
 *   node --import tsx bench/heartbeat.ts [--seconds 10] [--agents 10] [--runners 1000]
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { io, type Socket } from "socket.io-client";
import { AGENT_NAMESPACE } from "@stratavore/contracts";
import { createDb, insertUser } from "@stratavore/db";
import { startTestPostgres } from "@stratavore/db/testing";
import { createCaller, hashPassword } from "@stratavore/api";
import { readEnv, startServer } from "@stratavore/server/testing";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    agents: { type: "string", default: "10" },
    runners: { type: "string", default: "1000" },
  },
});
const seconds = Number(values.seconds),
  agentCount = Number(values.agents),
  runnerCount = Number(values.runners);
const pct = (xs: number[], p: number) =>
  xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

const pg = await startTestPostgres(join(import.meta.dirname, "../prisma"), "bench_heartbeat");
const tmp = await mkdtemp(join(tmpdir(), "stratavore-bench-"));
const env = readEnv([], {
  DATABASE_URL: pg.url,
  PORT: "0",
  STRATAVORE_DATA_DIR: tmp,
  STRATAVORE_SECRET: randomBytes(32).toString("base64url"),
  STRATAVORE_ADMIN_PASSWORD: "bench-admin-password",
});
// A long TTL: the bench measures ingestion, not the reconciler.
const server = await startServer(env, () => {}, { web: false, fleet: { heartbeatTtlMs: 600_000 } });
const db = createDb({ connectionString: pg.url, poolMax: 4 });
const admin = await insertUser(db, {
  email: "bench@example.test",
  name: "bench",
  role: "admin",
  passwordHash: await hashPassword("bench-admin-password"),
});
const api = createCaller({
  ...server.deps,
  principal: { user: admin, via: "session", scopes: ["read", "write"] },
  ip: "127.0.0.1",
});
const project = await api.projects.create({ name: "bench", path: "/tmp", maxRunners: 100 });

// Simulated agents: real sockets on /agent, each owning runnerCount/agentCount running rows.
const agents: { socket: Socket; nodeId: string; runnerIds: string[] }[] = [];
for (let a = 0; a < agentCount; a++) {
  const { secret } = await api.joinTokens.create({ ttlMinutes: 10 });
  const socket = io(`${server.url}${AGENT_NAMESPACE}`, {
    path: "/socket.io",
    transports: ["websocket"],
    auth: {
      joinToken: secret,
      hello: {
        name: `sim-${a}`,
        hostname: `sim-${a}`,
        agentVersion: "bench",
        claudeVersion: null,
        capacity: 1000,
        labels: [],
      },
    },
  });
  const nodeId = await new Promise<string>((resolve, reject) => {
    socket.once("agent:welcome", (w: { nodeId: string }) => resolve(w.nodeId));
    socket.once("connect_error", reject);
  });
  const per = Math.floor(runnerCount / agentCount);
  const rows = Array.from({ length: per }, () => ({
    projectId: project.id,
    nodeId,
    status: "running" as const,
    startedAt: new Date(),
  }));
  await db.runner.createMany({ data: rows });
  const runnerIds = (await db.runner.findMany({ where: { nodeId }, select: { id: true } })).map((r) => r.id);
  agents.push({ socket, nodeId, runnerIds });
}

// Closed loop: each agent sends its next batch as soon as the server has ingested the last.
const durations: number[] = [];
let beats = 0;
const waiters: (() => void)[] = [];
server.deps.fleet.onHeartbeatIngested = (ms, n) => {
  durations.push(ms);
  beats += n;
  waiters.shift()?.();
};
const batch = (ids: string[]) => ({
  runners: ids.map((runnerId) => ({
    runnerId,
    status: "running" as const,
    pid: 4242,
    cpuPercent: Math.random() * 100,
    rssBytes: 200_000_000,
  })),
});
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const until = t0 + seconds * 1000;
await Promise.all(
  agents.map(async (a) => {
    while (performance.now() < until) {
      const done = new Promise<void>((r) => waiters.push(r));
      a.socket.emit("agent:heartbeat", batch(a.runnerIds));
      await done;
    }
  }),
);
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const rate = beats / wall;

// Baseline in the same run: one UPDATE statement per runner, sequential (the naive ingest).
const allIds = agents.flatMap((a) => a.runnerIds);
const b0 = performance.now();
let naive = 0;
while (performance.now() - b0 < Math.min(5, seconds) * 1000) {
  for (const id of allIds.slice(0, 200))
    await db.runner.update({
      where: { id },
      data: { cpuPercent: Math.random() * 100, memoryBytes: 200_000_000n, lastHeartbeatAt: new Date() },
    });
  naive += 200;
}
const naiveRate = naive / ((performance.now() - b0) / 1000);

console.log(`heartbeat bench: ${agentCount} agents, ${allIds.length} runners, ${wall.toFixed(1)} s`);
console.log(`  runner-beats/s ingested : ${Math.round(rate)}   (target ≥ 20000)`);
console.log(
  `  batches                 : ${durations.length}, p50 ${pct(durations, 50).toFixed(1)} ms, p99 ${pct(durations, 99).toFixed(1)} ms per batch of ${Math.floor(runnerCount / agentCount)}`,
);
console.log(
  `  server+agents CPU       : ${(((cpu.user + cpu.system) / 1e6 / wall) * 100).toFixed(0)}% of one core (one process; PostgreSQL excluded)`,
);
console.log(`  RSS                     : ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
console.log(
  `  baseline (1 UPDATE/runner): ${Math.round(naiveRate)} runner-beats/s → batched is ${(rate / naiveRate).toFixed(1)}× the baseline`,
);

for (const a of agents) a.socket.disconnect();
await server.close();
await db.$disconnect();
await pg.stop();
await rm(tmp, { recursive: true, force: true });
process.exit(0);
