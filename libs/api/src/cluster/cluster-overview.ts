import type { ClusterOverview } from "@stratavore/contracts";
import { agentsPerInstance, listInstances } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { DEFAULT_MEMBERSHIP_TIMING } from "./membership.ts";

export async function clusterOverview(deps: Pick<ApiDeps, "db" | "fleet">): Promise<ClusterOverview> {
  const [rows, agents] = await Promise.all([listInstances(deps.db), agentsPerInstance(deps.db)]);
  const fresh = Date.now() - DEFAULT_MEMBERSHIP_TIMING.ttlMs;
  return {
    mode: deps.fleet.clusterMode,
    instances: rows.map((r) => {
      const alive = r.beatAt.getTime() >= fresh;
      return {
        ...r,
        alive,
        // A dead instance's row may still say so until the leader prunes it.
        leader: r.leader && alive,
        agents: agents.get(r.id) ?? 0,
        current: r.id === deps.fleet.instanceId,
      };
    }),
  };
}
