import { z } from "zod";

export const healthOutput = z.object({ ok: z.boolean(), version: z.string(), database: z.boolean() });

/** One server process of the deployment (several share a database behind a load balancer). */
export const serverInstanceSchema = z.object({
  id: z.uuid(),
  hostname: z.string(),
  pid: z.number().int(),
  /** Its own address (not the balancer's). */
  url: z.string(),
  startedAt: z.date(),
  beatAt: z.date(),
  /** Holds the leader lock: runs the reconciler. */
  leader: z.boolean(),
  /** Beat within the cluster's time-to-live. */
  alive: z.boolean(),
  /** Agents whose socket it holds. */
  agents: z.number().int(),
  /** The instance that answered this request. */
  current: z.boolean(),
});
export type ServerInstance = z.infer<typeof serverInstanceSchema>;
export const clusterOverviewSchema = z.object({
  mode: z.enum(["single", "postgres", "redis"]),
  instances: z.array(serverInstanceSchema),
});
export type ClusterOverview = z.infer<typeof clusterOverviewSchema>;
