/**
 * The far side of bench/fanout, in its own process: one simulated agent (the real agent
 * protocol, joined with a join token) producing terminal output for one runner and heartbeats
 * for all of its runners, and the watchers — dashboards subscribed to the fleet room and
 * terminals attached to the runner — which time every message they receive.
 *   parent → argv[2]: { url, joinSecret, token, fleetWatchers, terminalWatchers, outputPerSecond, beatsPerSecond, seconds }
 *   child  → { nodeId }; parent → { runners: string[] }; child → { results }
 */
import { io, type Socket } from "socket.io-client";
import { AGENT_NAMESPACE } from "@stratavore/contracts";

const c = JSON.parse(process.argv[2] ?? "{}") as {
  url: string;
  joinSecret: string;
  token: string;
  fleetWatchers: number;
  terminalWatchers: number;
  outputPerSecond: number;
  beatsPerSecond: number;
  seconds: number;
};

const agent = io(`${c.url}${AGENT_NAMESPACE}`, {
  path: "/socket.io",
  transports: ["websocket"],
  auth: {
    joinToken: c.joinSecret,
    hello: {
      name: "fanout",
      hostname: "fanout",
      agentVersion: "bench",
      claudeVersion: null,
      capacity: 100,
      labels: [],
    },
  },
});
const nodeId = await new Promise<string>((resolve) =>
  agent.once("agent:welcome", (w: { nodeId: string }) => resolve(w.nodeId)),
);
process.send?.({ nodeId });
const runners = await new Promise<string[]>((resolve) =>
  process.once("message", (m: { runners: string[] }) => resolve(m.runners)),
);
const watched = runners[0] ?? "";

const outputLatency: number[] = [];
const metricsLatency: number[] = [];
let delivered = 0;
const connectWatcher = async (): Promise<Socket> => {
  const s = io(c.url, { path: "/socket.io", transports: ["websocket"], auth: { token: c.token } });
  await new Promise((resolve) => s.once("connect", () => resolve(null)));
  return s;
};
const watchers: Socket[] = [];
for (let i = 0; i < c.fleetWatchers; i++) {
  const s = await connectWatcher();
  await s.emitWithAck("subscribe", { room: "fleet" });
  s.on("runner:metrics", (m: { items: { at: string }[] }) => {
    delivered++;
    const at = m.items[0]?.at;
    if (at) metricsLatency.push(Date.now() - new Date(at).getTime());
  });
  watchers.push(s);
}
for (let i = 0; i < c.terminalWatchers; i++) {
  const s = await connectWatcher();
  await s.emitWithAck("runner:attach", { runnerId: watched });
  s.on("runner:output", (m: { data: string }) => {
    delivered++;
    const sent = Number(/^t=(\d+)/.exec(m.data)?.[1]);
    if (sent) outputLatency.push(Date.now() - sent);
  });
  watchers.push(s);
}

// Produce: output chunks for the watched runner and heartbeats for all, at fixed rates.
let seq = 0;
const until = Date.now() + c.seconds * 1000;
const output = setInterval(() => {
  agent.emit("runner:output", { runnerId: watched, seq: seq++, data: `t=${Date.now()} ${"x".repeat(200)}\r\n` });
}, 1000 / c.outputPerSecond);
const beats = setInterval(() => {
  agent.emit("agent:heartbeat", {
    runners: runners.map((runnerId) => ({ runnerId, status: "running", pid: 4242, cpuPercent: 5, rssBytes: 1e8 })),
  });
}, 1000 / c.beatsPerSecond);
await new Promise((r) => setTimeout(r, until - Date.now()));
clearInterval(output);
clearInterval(beats);
await new Promise((r) => setTimeout(r, 1000)); // let the last ones land
process.send?.({ results: { delivered, outputLatency, metricsLatency, produced: { output: seq } } });
for (const s of watchers) s.disconnect();
agent.disconnect();
setTimeout(() => process.exit(0), 200);
