/**
 * bench/fleet: 1,000 active runners as real PTY processes of a minimal claude
 * (bench/support/tiny-claude.sh, dash) across 4 real agents (their own processes, production
 * intervals: heartbeat 10 s, usage 2 s), each runner printing a line and appending a usage
 * response to its transcript every few seconds. Measured over a steady window:
 *   - server RSS (target < 250 MB) against the same server idle with its agents connected;
 *   - agent RSS per runner (agent RSS at load minus idle, over its runners) and a runner's RSS;
 *   - CPU: server and agents, as % of one core, and per 1,000 runners;
 *   - end-to-end usage latency: transcript line written → ledger row → the fleet's
 *     `usage:update` received by a dashboard socket (p50/p99), and its two halves.
 * The server runs as its own process, started as `npm start` starts it; the bench drives it
 * over HTTP with an API token. `--profile` writes the server's CPU profile (whole run) and a
 * heap snapshot mid-window to bench/profiles/.
 *   node --import tsx bench/fleet.ts [--runners 1000] [--agents 4] [--seconds 30] [--every 5] [--profile]
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pidusage from "pidusage";
import { io } from "socket.io-client";
import { startTestPostgres } from "@stratavore/db/testing";
import { spawnAgent, waitFor } from "@stratavore/server/testing";
import { topSelfTime, type Profile } from "./support/cpu-profile.ts";
import { startServerChild } from "./support/server-child.ts";
import { pct } from "./support/percentile.ts";

const { values } = parseArgs({
  options: {
    runners: { type: "string", default: "1000" },
    agents: { type: "string", default: "4" },
    seconds: { type: "string", default: "30" },
    every: { type: "string", default: "5" },
    profile: { type: "boolean", default: false },
  },
});
const runners = Number(values.runners);
const agents = Number(values.agents);
const seconds = Number(values.seconds);
const perProject = 100;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const profiles = join(import.meta.dirname, "profiles");

const pg = await startTestPostgres(join(import.meta.dirname, "../prisma"), "bench_fleet");
await mkdir(profiles, { recursive: true });
// --cpu-prof: written when the server exits; SIGUSR2 asks it for a heap snapshot at load.
const server = await startServerChild(pg.url, {
  fleet: { heartbeatTtlMs: 60_000, agentAckTimeoutMs: 60_000 },
  nodeFlags: values.profile ? ["--cpu-prof", "--cpu-prof-dir", profiles, "--heapsnapshot-signal=SIGUSR2"] : [],
  cwd: profiles,
});
const api = server.api;
const tmp = await mkdtemp(join(tmpdir(), "stratavore-fleet-"));
const procs = [];
for (let i = 0; i < agents; i++) {
  const { secret } = await api.joinTokens.create.mutate({ ttlMinutes: 10 });
  procs.push(
    await spawnAgent(server.url, secret, `fleet-${i}`, {
      home: join(tmp, `home-${i}`),
      dataDir: join(tmp, `agent-${i}`),
      capacity: Math.ceil(runners / agents) + 10,
      claudeBin: join(import.meta.dirname, "support/tiny-claude.sh"),
      env: { FAKE_CLAUDE_EVERY_S: values.every! },
      heartbeatSeconds: 10,
      usageSeconds: 2,
    }),
  );
}
await waitFor(
  "agents online",
  async () => (await api.nodes.list.query()).filter((n) => n.connected).length === agents,
  60_000,
);
const agentPids = procs.map((p) => p.child.pid!);
const rssOf = async (pids: number[]) => Object.values(await pidusage(pids)).map((s) => s.memory);
await sleep(3000);
const idle = { server: (await rssOf([server.pid]))[0]!, agents: await rssOf(agentPids) };

// Projects of 100 (the largest quota), launched in parallel: admissions queue per project.
const projects = [];
for (let i = 0; i < Math.ceil(runners / perProject); i++) {
  const path = join(tmp, `checkout-${i}`);
  await mkdir(path, { recursive: true });
  projects.push(await api.projects.create.mutate({ name: `fleet-${i}`, path, maxRunners: perProject }));
}
const t0 = performance.now();
const launched = (
  await Promise.all(
    projects.map(async (p, i) => {
      const ids: string[] = [];
      const count = Math.min(perProject, runners - i * perProject);
      for (let k = 0; k < count; k++)
        ids.push((await api.runners.launch.mutate({ project: p.name, wait: "accepted" })).id);
      return ids;
    }),
  )
).flat();
const acceptedMs = performance.now() - t0;
await waitFor(
  "every runner running",
  async () => (await server.db.runner.count({ where: { status: "running" } })) === launched.length,
  300_000,
  1000,
);
const runningMs = performance.now() - t0;

// A dashboard: the fleet room's usage updates, timed on arrival.
const watcher = io(server.url, { path: "/socket.io", transports: ["websocket"], auth: { token: server.token } });
await new Promise((resolve) => watcher.once("connect", () => resolve(null)));
await watcher.emitWithAck("subscribe", { room: "fleet" });
const updates: { at: number; runners: Set<string> }[] = [];
watcher.on("usage:update", (m: { items: { runnerId: string }[] }) =>
  updates.push({ at: Date.now(), runners: new Set(m.items.map((x) => x.runnerId)) }),
);

await sleep(Number(values.every) * 1000 + 3000); // every runner has written at least once
/** Machine-wide CPU ticks (busy, total) from /proc/stat: what the whole box was doing. */
const machineTicks = async () => {
  const f = (await readFile("/proc/stat", "utf8")).split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idleTicks = f[3]! + f[4]!;
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idleTicks, total };
};
const machine0 = await machineTicks();
const windowStart = new Date();
const cpuOf = async (pids: number[]) => Object.values(await pidusage(pids)).map((x) => x.ctime);
const [serverCpu0] = await cpuOf([server.pid]);
const agentCpu0 = await cpuOf(agentPids);
const serverRss: number[] = [];
const agentRss: number[][] = [];
for (let s = 0; s < seconds; s++) {
  await sleep(1000);
  serverRss.push((await rssOf([server.pid]))[0]!);
  agentRss.push(await rssOf(agentPids));
}
const serverCpuMs = (await cpuOf([server.pid]))[0]! - serverCpu0!;
const agentCpu = (await cpuOf(agentPids)).map((ms, i) => ms - agentCpu0[i]!);
const windowEnd = new Date();
const machine1 = await machineTicks();
const machineBusy = (machine1.busy - machine0.busy) / (machine1.total - machine0.total);
const memoryAtLoad = server.memory();
// After the RSS samples: writing a snapshot takes memory of its own.
if (values.profile) process.kill(server.pid, "SIGUSR2");
await sleep(5000); // the last lines of the window reach the ledger and the dashboard

// Latency of every response written during the window (ledger rows carry both times).
const rows = await server.db.usageRecord.findMany({
  where: { occurredAt: { gte: windowStart, lt: windowEnd } },
  select: { runnerId: true, occurredAt: true, createdAt: true },
});
const toLedger: number[] = [];
const toDashboard: number[] = [];
const ledgerToDashboard: number[] = [];
let unseen = 0;
for (const r of rows) {
  const created = r.createdAt.getTime();
  toLedger.push(created - r.occurredAt.getTime());
  const update = updates.find((u) => u.at >= created && u.runners.has(r.runnerId!));
  if (!update) {
    unseen++;
    continue;
  }
  toDashboard.push(update.at - r.occurredAt.getTime());
  ledgerToDashboard.push(update.at - created);
}
const sample = await server.db.runner.findMany({ where: { status: "running" }, select: { pid: true }, take: 50 });
const runnerRss = await rssOf(sample.map((r) => r.pid!).filter(Boolean)).catch(() => [] as number[]);

const windowMs = windowEnd.getTime() - windowStart.getTime();
const serverCpu = (serverCpuMs / windowMs) * 100;
const agentsCpu = agentCpu.map((ms) => (ms / windowMs) * 100);
const peakServer = Math.max(...serverRss);
const perAgent = agentRss.at(-1)!;
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

console.log(
  `fleet bench: ${launched.length} runners (tiny claude in PTYs, a response every ${values.every} s) on ${agents} agents, ${seconds} s window`,
);
console.log(
  `  launch                 : all accepted in ${(acceptedMs / 1000).toFixed(1)} s, all running in ${(runningMs / 1000).toFixed(1)} s`,
);
console.log(
  `  server RSS             : peak ${mb(peakServer)} at load vs ${mb(idle.server)} idle (${(peakServer / idle.server).toFixed(2)}×; target < 250 MB)`,
);
if (memoryAtLoad)
  console.log(
    `    of which            : JS heap ${mb(memoryAtLoad.heapUsed)} used of ${mb(memoryAtLoad.heapTotal)}, external ${mb(memoryAtLoad.external)} (array buffers ${mb(memoryAtLoad.arrayBuffers)}); the rest is code, WASM and the allocator`,
  );
console.log(
  `  agent RSS              : ${perAgent.map(mb).join(", ")} at load vs ${idle.agents.map(mb).join(", ")} idle → ${((avg(perAgent) - avg(idle.agents)) / 1024 / (launched.length / agents)).toFixed(0)} KB per runner`,
);
console.log(
  `  a runner's RSS         : ${runnerRss.length ? mb(avg(runnerRss)) : "n/a"} (mean of ${runnerRss.length})`,
);
console.log(
  `  CPU (% of one core)    : server ${serverCpu.toFixed(1)} % (${((serverCpu * 1000) / launched.length).toFixed(1)} % per 1,000 runners), agents ${agentsCpu.map((c) => c.toFixed(1)).join(", ")} %`,
);
console.log(
  `  machine                : ${(machineBusy * 100).toFixed(0)} % busy over its ${cpus().length} cores; the rest of it is PostgreSQL, the 1,000 runners and this bench`,
);
console.log(
  `  usage latency          : ${rows.length} responses in the window (${(rows.length / (windowMs / 1000)).toFixed(0)}/s); line → dashboard p50 ${pct(toDashboard, 50)} ms, p99 ${pct(toDashboard, 99)} ms`,
);
console.log(
  `    line → ledger        : p50 ${pct(toLedger, 50)} ms, p99 ${pct(toLedger, 99)} ms (the agent reads transcripts every 2 s)`,
);
console.log(
  `    ledger → dashboard   : p50 ${pct(ledgerToDashboard, 50)} ms, p99 ${pct(ledgerToDashboard, 99)} ms (updates are batched once a second)${unseen ? `; ${unseen} never seen` : ""}`,
);

watcher.disconnect();
await Promise.all(launched.map((id) => api.runners.kill.mutate({ id }).catch(() => undefined)));
for (const p of procs) p.child.kill("SIGTERM");
await Promise.all(procs.map((p) => p.exited));
await server.stop();
if (values.profile) {
  // Node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main one
  // (tsx's loader thread writes one too).
  const files = await readdir(profiles);
  const mine = (prefix: string, suffix: string) =>
    files.filter((f) => f.startsWith(prefix) && f.includes(`.${server.pid}.`) && f.endsWith(suffix)).sort();
  const cpuFile = mine("CPU.", ".cpuprofile").find((f) => f.split(".")[4] === "0");
  if (cpuFile) {
    const cpu = JSON.parse(await readFile(join(profiles, cpuFile), "utf8")) as Profile;
    console.log(`  server CPU profile     : bench/profiles/${cpuFile} (whole run)`);
    for (const line of topSelfTime(cpu, 8)) console.log(line);
  }
  const heap = mine("Heap.", ".heapsnapshot").at(-1);
  console.log(`  server heap snapshot   : ${heap ? `bench/profiles/${heap} (end of the window)` : "none written"}`);
}
await pg.stop();
await rm(tmp, { recursive: true, force: true });
process.exit(0);
