import { io, type Socket } from "socket.io-client";
import { AGENT_NAMESPACE } from "@stratavore/contracts";
import { uniqueSlug } from "@stratavore/db/testing";
import type { FleetHarness } from "./fleet-harness.ts";

/**
 * A socket speaking the agent protocol with a genuine node credential (it joined with a join
 * token), driven by the test message by message: for what a real agent never sends, or sends
 * too politely to show a race.
 */
export async function connectRawAgent(
  h: FleetHarness,
  name = uniqueSlug("raw"),
): Promise<{ socket: Socket; nodeId: string }> {
  const { secret } = await h.api.joinTokens.create({ ttlMinutes: 10 });
  const socket = io(`${h.server.url}${AGENT_NAMESPACE}`, {
    path: "/socket.io",
    transports: ["websocket"],
    reconnection: false,
    auth: {
      joinToken: secret,
      hello: { name, hostname: name, agentVersion: "0.1.0", claudeVersion: null, capacity: 5, labels: [] },
    },
  });
  const nodeId = await new Promise<string>((resolve, reject) => {
    socket.once("agent:welcome", (w: { nodeId: string }) => resolve(w.nodeId));
    socket.once("connect_error", reject);
  });
  return { socket, nodeId };
}
