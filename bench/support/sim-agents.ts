/**
 * Simulated agents in their own process (so the server's CPU is the server's): each joins with
 * a join token over the real agent protocol, reports its node id to the parent, then sends a
 * heartbeat batch for its runners each time the parent says the server ingested one (a closed
 * loop: always one batch in flight per agent).
 *   parent → { agents: [{ secret, name }], url } (argv[2], JSON)
 *   child  → { nodes: string[] };  parent → { runners: string[][] }, then { go: true } per ingested batch
 */
import { io, type Socket } from "socket.io-client";
import { AGENT_NAMESPACE } from "@stratavore/contracts";

const config = JSON.parse(process.argv[2] ?? "{}") as { url: string; agents: { secret: string; name: string }[] };
const sockets: Socket[] = [];
const nodes: string[] = [];
for (const a of config.agents) {
  const socket = io(`${config.url}${AGENT_NAMESPACE}`, {
    path: "/socket.io",
    transports: ["websocket"],
    auth: {
      joinToken: a.secret,
      hello: { name: a.name, hostname: a.name, agentVersion: "bench", claudeVersion: null, capacity: 1000, labels: [] },
    },
  });
  nodes.push(
    await new Promise<string>((resolve, reject) => {
      socket.once("agent:welcome", (w: { nodeId: string }) => resolve(w.nodeId));
      socket.once("connect_error", reject);
    }),
  );
  sockets.push(socket);
}
process.send?.({ nodes });

let runners: string[][] = [];
let next = 0;
const batch = (ids: string[]) => ({
  runners: ids.map((runnerId) => ({
    runnerId,
    status: "running" as const,
    pid: 4242,
    cpuPercent: Math.random() * 100,
    rssBytes: 200_000_000,
  })),
});
const send = () => {
  const i = next++ % sockets.length;
  sockets[i]?.emit("agent:heartbeat", batch(runners[i] ?? []));
};
process.on("message", (m: { runners?: string[][]; go?: boolean; stop?: boolean }) => {
  if (m.runners) {
    runners = m.runners;
    for (let i = 0; i < sockets.length; i++) send();
  } else if (m.go) send();
  else if (m.stop) {
    for (const s of sockets) s.disconnect();
    process.exit(0);
  }
});
