"use client";
import { useQuery } from "@tanstack/react-query";
import { isActiveRunnerStatus, type Runner } from "@stratavore/contracts";
import { formatRelative } from "@stratavore/ui";
import { useTRPC } from "../trpc";

/**
 * A runner still `running` (or paused, starting) whose node's agent is not connected: nobody
 * can see it now. The server waits for the heartbeat limit before calling it lost (an agent
 * restarting comes back with its runners), so until then the page says what is known.
 */
export function NodeAwayNotice({ runner: r }: { runner: Runner }) {
  const trpc = useTRPC();
  const watch = isActiveRunnerStatus(r.status) && r.status !== "lost" && r.nodeId !== null;
  // Kept live by `node:status` (realtime node-cache), so the notice comes and goes by itself.
  const node = useQuery(trpc.nodes.get.queryOptions({ ref: r.nodeId ?? "" }, { enabled: watch }));
  if (!watch || !node.data || node.data.connected) return null;
  return (
    <div className="alert alert-warning" data-testid="runner-node-away">
      Its node {node.data.name} is not connected
      {node.data.lastSeenAt ? ` (last heard from ${formatRelative(node.data.lastSeenAt)})` : ""}: the runner may still
      be working there, unseen. It is marked lost if the node stays silent past the heartbeat limit, and picked up again
      as it was when its agent reconnects.
    </div>
  );
}
