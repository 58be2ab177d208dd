import { z } from "zod";
import { labelSchema, nodeNameSchema } from "../schemas/node.ts";

/**
 * The agent ↔ server handshake on the Socket.IO namespace `/agent`: who the node is, how it
 * proves it, and the server's welcome. The events after it are in agent-protocol.ts.
 */
export const AGENT_NAMESPACE = "/agent";

/** What the node can do to isolate runners (cgroups); shown on the Nodes page. */
export const nodeCapabilitiesSchema = z.object({
  isolation: z.enum(["cgroup-v2", "cgroup-v1", "none"]),
  pause: z.enum(["freeze", "signals"]),
  memoryLimit: z.boolean(),
  cpuLimit: z.boolean(),
  detail: z.string().max(500),
  /** Answers `agent:folders` (absent from agents of earlier releases: they are not asked). */
  folders: z.boolean().optional(),
});
export type NodeCapabilitiesPayload = z.infer<typeof nodeCapabilitiesSchema>;

export const agentHelloSchema = z.object({
  name: nodeNameSchema,
  hostname: z.string().min(1).max(255),
  agentVersion: z.string().min(1).max(50),
  claudeVersion: z.string().max(100).nullable(),
  capacity: z.number().int().min(1).max(1000),
  labels: z.array(labelSchema).max(30),
  /** Absent from agents older than cgroup support. */
  capabilities: nodeCapabilitiesSchema.optional(),
});
export type AgentHello = z.infer<typeof agentHelloSchema>;

/**
 * Socket.IO's message limit for the server. One transcript line may hold 2 M characters
 * (RAW_LINE_MAX): up to 6 MB of UTF-8, more once JSON-escaped, plus its searchable text. An
 * archive batch with such a line goes alone; this leaves it room, so no line is too big to
 * archive (a 4.5 MB line used to exceed 4 MB and reconnect forever).
 */
export const SOCKET_MAX_MESSAGE_BYTES = 16_000_000;

/**
 * Every other connection's message limit (engine.io's own default): browsers and API tokens
 * send keystrokes (≤ 64,000 characters) and room names, and a connection nobody has
 * authenticated yet must not make the server buffer 16 MB. An agent's connection is raised to
 * SOCKET_MAX_MESSAGE_BYTES once its credential is checked.
 */
export const SOCKET_MESSAGE_BYTES = 1_000_000;

/** Handshake `auth`: a single-use join token the first time, the node credential afterwards. */
export const agentAuthSchema = z.object({
  joinToken: z.string().min(10).max(200).optional(),
  credential: z.string().min(10).max(200).optional(),
  hello: agentHelloSchema,
  /** At join: a PEM certificate request for the node's own key (mutual TLS, when the server uses it). */
  csr: z.string().max(10_000).optional(),
  /** At join: welcome, then close; the agent reconnects with what it was given (over TLS if offered). */
  joinOnly: z.boolean().optional(),
});
export type AgentAuth = z.infer<typeof agentAuthSchema>;

/** Mutual TLS material handed to a joining node: its certificate, the CA to pin, where to dial. */
export const agentTlsSchema = z.object({
  certificate: z.string(),
  caCertificate: z.string(),
  url: z.string(),
});
export type AgentTls = z.infer<typeof agentTlsSchema>;

/**
 * What this release's agents rely on a server answering (2: runner:exited and runner:session
 * answered, `left`/`past`/`launch` understood). A server says its number in the welcome; an
 * agent refuses a server older than itself, which would strip fields it does not know (an
 * earlier run's session move would be taken as the runner's current one). Servers first,
 * then agents: an older agent stays welcome (every field it lacks is optional).
 * 3: archive entries may name a sub-agent file by its path in the `subagents/` tree
 * ("run/agent-x.jsonl"), which a protocol-2 server refuses, batch and all.
 */
export const AGENT_PROTOCOL = 3;

export const agentWelcomeSchema = z.object({
  nodeId: z.uuid(),
  nodeName: z.string(),
  /** AGENT_PROTOCOL of the server (absent: a server from before it, protocol 1). */
  protocol: z.number().int().min(1).optional(),
  credential: z.string().optional(),
  tls: agentTlsSchema.optional(),
});
