/**
 * bench/heartbeat: simulated agents carrying 1000 runners in total send batched heartbeats
 * over real Socket.IO to a real server on a real PostgreSQL. Prints runner-beats/s ingested,
 * p50/p99 processing time per batch, server CPU and RSS, and the ratio to a baseline measured
 * in the same run: the same batches as bare `UPDATE … FROM unnest` statements (the ceiling the
 * database allows). The agents run in their own process; `--profile` writes the server's CPU
 * profile to bench/profiles/ and prints its hottest functions.
 *   node --import tsx bench/heartbeat.ts [--seconds 10] [--agents 10] [--runners 1000] [--profile]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fork } from "node:child_process";
import { cpus, loadavg } from "node:os";
import pg from "pg";
import { startBenchServer } from "./support/bench-server.ts";
import { startCpuProfile } from "./support/cpu-profile.ts";
import { pct } from "./support/percentile.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    agents: { type: "string", default: "10" },
    runners: { type: "string", default: "1000" },
    profile: { type: "boolean", default: false },
  },
});
const seconds = Number(values.seconds),
  agentCount = Number(values.agents),
  runnerCount = Number(values.runners);

const { pg: pg_, db, api, server, stop: stopAll } = await startBenchServer("heartbeat");
const project = await api.projects.create({ name: "bench", path: "/tmp", maxRunners: 100 });

// Simulated agents in a child process (real sockets on /agent, the real join), each owning
// runnerCount/agentCount running rows.
const joins = await Promise.all(
  Array.from({ length: agentCount }, async (_, a) => ({
    secret: (await api.joinTokens.create({ ttlMinutes: 10 })).secret,
    name: `sim-${a}`,
  })),
);
const sim = fork(
  join(import.meta.dirname, "support/sim-agents.ts"),
  [JSON.stringify({ url: server.url, agents: joins })],
  {
    execArgv: ["--import", "tsx"],
    stdio: "inherit",
  },
);
const nodes = await new Promise<string[]>((resolve) =>
  sim.once("message", (m: { nodes: string[] }) => resolve(m.nodes)),
);
const per = Math.floor(runnerCount / agentCount);
const runnersByAgent: string[][] = [];
for (const nodeId of nodes) {
  await db.runner.createMany({
    data: Array.from({ length: per }, () => ({
      projectId: project.id,
      nodeId,
      status: "running" as const,
      startedAt: new Date(),
    })),
  });
  runnersByAgent.push((await db.runner.findMany({ where: { nodeId }, select: { id: true } })).map((r) => r.id));
}

// Closed loop: every ingested batch lets the simulator send the next one.
const durations: number[] = [];
let beats = 0;
let measuring = true;
server.deps.fleet.onHeartbeatIngested = (ms, n) => {
  if (!measuring) return;
  durations.push(ms);
  beats += n;
  sim.send({ go: true });
};
const stopProfile = values.profile ? await startCpuProfile() : null;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
sim.send({ runners: runnersByAgent });
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const profileLines = stopProfile ? await stopProfile("heartbeat-server") : [];
const rate = beats / wall;
sim.send({ stop: true });
await new Promise((r) => setTimeout(r, 500));

// The raw ceiling in the same run, on the same database: the same batches as bare
// UPDATE … FROM unnest statements, as many loops at once as there are agents, nothing else.
const raw = new pg.Pool({ connectionString: pg_.url, max: agentCount });
let rawBeats = 0;
const r0 = performance.now();
const rawUntil = r0 + Math.min(seconds, 10) * 1000;
await Promise.all(
  runnersByAgent.map(async (ids) => {
    while (performance.now() < rawUntil) {
      await raw.query(
        `UPDATE "Runner" AS r SET "cpuPercent" = v.cpu, "memoryBytes" = v.rss, "lastHeartbeatAt" = now()
           FROM unnest($1::uuid[], $2::float8[], $3::int8[]) AS v(id, cpu, rss) WHERE r.id = v.id`,
        [ids, ids.map(() => Math.random() * 100), ids.map(() => 200_000_000)],
      );
      rawBeats += ids.length;
    }
  }),
);
const rawRate = rawBeats / ((performance.now() - r0) / 1000);
await raw.end();

const serverCpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(`heartbeat bench: ${agentCount} agents (own process), ${runnerCount} runners, ${wall.toFixed(1)} s`);
console.log(`  runner-beats/s ingested : ${Math.round(rate)}   (target ≥ 20000)`);
console.log(
  `  raw UPDATE…FROM unnest  : ${Math.round(rawRate)} runner-beats/s → the server reaches ${((rate / rawRate) * 100).toFixed(0)} % of it (target ≥ 25 %)`,
);
console.log(
  `  batches                 : ${durations.length}, p50 ${pct(durations, 50).toFixed(1)} ms, p99 ${pct(durations, 99).toFixed(1)} ms per batch of ${per}`,
);
console.log(
  `  server CPU              : ${((serverCpuSeconds / wall) * 100).toFixed(0)} % of one core; ${((serverCpuSeconds * 1000 * 1000) / Math.max(1, beats)).toFixed(1)} ms per 1,000 beats (PostgreSQL and the agents excluded)`,
);
console.log(`  server RSS              : ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
console.log(`  machine load (1 min)    : ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores`);
for (const line of profileLines) console.log(line);

await stopAll();
process.exit(0);
