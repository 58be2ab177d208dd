import { z } from "zod";

export const NODE_STATUSES = ["online", "draining", "offline"] as const;
export const nodeStatusSchema = z.enum(NODE_STATUSES);
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

export const nodeNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Node names are slugs");
export const labelSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_.=-]{0,62}$/, "Labels are short slugs (key=value allowed)");

export const nodeSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  hostname: z.string(),
  agentVersion: z.string(),
  claudeVersion: z.string().nullable(),
  capacity: z.number().int(),
  labels: z.array(z.string()),
  status: nodeStatusSchema,
  connected: z.boolean(),
  /** Null until the node's agent reports them (agents older than cgroup support never do). */
  capabilities: z
    .object({
      isolation: z.enum(["cgroup-v2", "cgroup-v1", "none"]),
      pause: z.enum(["freeze", "signals"]),
      memoryLimit: z.boolean(),
      cpuLimit: z.boolean(),
      detail: z.string(),
      /** The agent answers which folders exist on it (placement skips nodes without the project's). */
      folders: z.boolean().optional(),
    })
    .nullable(),
  activeRunners: z.number().int(),
  /** Usage records and transcript lines the server refused for good, kept in the agent's dead-letter file. */
  deadLetters: z.number().int(),
  /** Usage records and transcript lines the agent holds until the server acknowledges them (last heartbeat). */
  spooledItems: z.number().int(),
  lastSeenAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  createdAt: z.date(),
});
export type Node = z.infer<typeof nodeSchema>;

export const nodeIdInput = z.object({ id: z.uuid() });
export const nodeRefInput = z.object({ ref: z.string().trim().min(1).max(100) });
export const nodeListOutput = z.array(nodeSchema);

export const joinTokenSchema = z.object({
  id: z.uuid(),
  expiresAt: z.date(),
  usedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  nodeName: z.string().nullable(),
  createdAt: z.date(),
});
export type JoinToken = z.infer<typeof joinTokenSchema>;

export const JOIN_TOKEN_PREFIX = "svj_";
export const joinTokenCreateInput = z.object({
  ttlMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
});
export const joinTokenCreateOutput = z.object({ token: joinTokenSchema, secret: z.string() });
export const joinTokenListOutput = z.array(joinTokenSchema);
export const joinTokenIdInput = z.object({ id: z.uuid() });

/**
 * What to run on a new machine. The token goes in the environment, not an argument: arguments
 * are readable by every user of that machine (`ps`), environments only by the agent's own.
 */
export const agentCommandLine = (server: string, secret: string): string =>
  `STRATAVORE_JOIN_TOKEN=${secret} stratavore agent --server ${server}`;
