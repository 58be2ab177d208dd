/**
 * bench/fanout: live updates to many watchers. 200 dashboards subscribed to the fleet room get
 * every runner's metrics (10 heartbeats a second from a node of 10 runners), and 20 terminals
 * attached to one runner get its output (100 chunks a second). Watchers and the simulated agent
 * run in their own process; the server is this one. Prints messages delivered per second, p50 /
 * p99 delivery latency for each kind, and the server's CPU. Baseline in the same run: one
 * watcher of each kind, same load.
 *   node --import tsx bench/fanout.ts [--seconds 10] [--fleet 200] [--terminals 20] [--profile]
 */
import { fork } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startBenchServer } from "./support/bench-server.ts";
import { startCpuProfile } from "./support/cpu-profile.ts";
import { pct } from "./support/percentile.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    fleet: { type: "string", default: "200" },
    terminals: { type: "string", default: "20" },
    profile: { type: "boolean", default: false },
  },
});
const seconds = Number(values.seconds);

const { db, api, server, stop: stopAll } = await startBenchServer("fanout");
const project = await api.projects.create({ name: "fanout", path: "/tmp", maxRunners: 100 });
const { secret: token } = await api.apiTokens.create({ name: "watchers", scopes: ["read"] });

interface Results {
  delivered: number;
  outputLatency: number[];
  metricsLatency: number[];
  produced: { output: number };
}
async function run(fleetWatchers: number, terminalWatchers: number, profile: boolean) {
  const { secret: joinSecret } = await api.joinTokens.create({ ttlMinutes: 10 });
  const child = fork(
    join(import.meta.dirname, "support/fanout-clients.ts"),
    [
      JSON.stringify({
        url: server.url,
        joinSecret,
        token,
        fleetWatchers,
        terminalWatchers,
        outputPerSecond: 100,
        beatsPerSecond: 10,
        seconds,
      }),
    ],
    { execArgv: ["--import", "tsx"], stdio: "inherit" },
  );
  const nodeId = await new Promise<string>((resolve) =>
    child.once("message", (m: { nodeId: string }) => resolve(m.nodeId)),
  );
  await db.runner.createMany({
    data: Array.from({ length: 10 }, () => ({
      projectId: project.id,
      nodeId,
      status: "running" as const,
      startedAt: new Date(),
    })),
  });
  const runners = (await db.runner.findMany({ where: { nodeId }, select: { id: true } })).map((r) => r.id);
  const stop = profile ? await startCpuProfile() : null;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  child.send({ runners });
  const results = await new Promise<Results>((resolve) =>
    child.on("message", (m: { results?: Results }) => m.results && resolve(m.results)),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const profileLines = stop ? await stop("fanout-server") : [];
  return { results, wall, cpuPercent: ((cpu.user + cpu.system) / 1e6 / wall) * 100, profileLines };
}

const base = await run(1, 1, false);
const full = await run(Number(values.fleet), Number(values.terminals), values.profile);
const line = (name: string, r: typeof full) =>
  `  ${name.padEnd(26)}: ${Math.round(r.results.delivered / seconds)} messages/s delivered; output p50 ${pct(r.results.outputLatency, 50)} ms, p99 ${pct(r.results.outputLatency, 99)} ms; metrics p50 ${pct(r.results.metricsLatency, 50)} ms, p99 ${pct(r.results.metricsLatency, 99)} ms; server CPU ${r.cpuPercent.toFixed(0)} % of a core`;
console.log(`fanout bench: 100 output chunks/s for one runner, 10 heartbeats/s of 10 runners, ${seconds} s`);
console.log(line("baseline: 1 + 1 watchers", base));
console.log(line(`${values.fleet} fleet + ${values.terminals} terminal`, full));
const expectedFull = full.results.produced.output * Number(values.terminals) + seconds * 10 * Number(values.fleet);
console.log(
  `  delivered vs produced     : ${full.results.delivered} of ~${expectedFull} (${((full.results.delivered / expectedFull) * 100).toFixed(1)} %)`,
);
console.log(`  machine load (1 min)      : ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores`);
for (const l of full.profileLines) console.log(l);
await stopAll();
process.exit(0);
