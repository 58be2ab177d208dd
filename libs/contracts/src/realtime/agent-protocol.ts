import { z } from "zod";
import { int4 } from "../schemas/common.ts";
import { runnerActivityStateSchema, runnerStatusSchema } from "../schemas/runner.ts";
import { transcriptEntrySchema } from "../schemas/session.ts";
import { modelPriceSchema, usageRecordSchema } from "../schemas/usage.ts";
import { agentWelcomeSchema } from "./agent-handshake.ts";

/**
 * The agent ↔ server events on the Socket.IO namespace `/agent` once the node is welcomed
 * (agent-handshake.ts). Every payload is validated on receipt by the side that did not write it.
 */
export const inventoryItemSchema = z.object({
  runnerId: z.uuid(),
  pid: int4.min(0),
  status: runnerStatusSchema,
});
export const agentInventorySchema = z.object({ runners: z.array(inventoryItemSchema).max(10_000) });

/** What a runner's claude is doing, read by its agent from the screen (libs/runner activity/). */
export const runnerActivitySchema = z.object({
  state: runnerActivityStateSchema,
  /** The question it waits on, or its latest line of output. */
  line: z.string().max(300).nullable(),
  /** How long ago its screen last changed: a span, so the agent's clock need not agree with the server's. */
  quietMs: z
    .number()
    .int()
    .min(0)
    .max(10 * 365 * 86_400_000),
});
export type RunnerActivityReport = z.infer<typeof runnerActivitySchema>;

export const heartbeatItemSchema = z.object({
  runnerId: z.uuid(),
  status: runnerStatusSchema,
  pid: int4.nullable(),
  cpuPercent: z.number().min(0).max(100_000),
  rssBytes: z.number().int().min(0),
  /** Absent from older agents. */
  activity: runnerActivitySchema.optional(),
});
/** Sent at once when a runner starts or stops waiting on its user, between beats. */
export const runnerActivityMessageSchema = runnerActivitySchema.extend({ runnerId: z.uuid() });
export const agentHeartbeatSchema = z.object({
  // A node runs at most its capacity (1,000 at most): 10,000 made-up ids a beat slowed the
  // server to 1.2 s answers and drew 10,000 kill commands back.
  runners: z.array(heartbeatItemSchema).max(1_000),
  /** Items set aside in the agent's dead-letter file (refused for good); absent from older agents. */
  deadLetters: z.number().int().min(0).max(1_000_000_000).optional(),
  /** Usage records and transcript lines waiting in its spool for the server; absent from older agents. */
  spooled: z.number().int().min(0).max(1_000_000_000).optional(),
  /** The whole machine's load, for placement thresholds; absent from older agents. */
  host: z.object({ cpuPercent: z.number().min(0).max(100), memoryPercent: z.number().min(0).max(100) }).optional(),
});
export type HeartbeatItem = z.infer<typeof heartbeatItemSchema>;

export const runnerSessionSchema = z.object({
  runnerId: z.uuid(),
  sessionId: z.string().min(1).max(100),
  /** Sessions the runner's claude moved through since its launch (/clear), oldest first. */
  left: z.array(z.string().min(1).max(100)).max(100).optional(),
  /** Said about an earlier run of the runner: every session named is its own, none its current one. */
  past: z.boolean().optional(),
});
export const runnerExitedSchema = z.object({
  runnerId: z.uuid(),
  /** PostgreSQL int4, as the column: an exit status is 0–255, a Windows one fits 32 bits. */
  exitCode: int4.nullable(),
  signal: z.string().nullable(),
  endedBy: z.enum(["user", "process"]),
  /** The runner's cgroup memory limit made the kernel kill one of its processes. */
  oomKilled: z.boolean().optional(),
  /** Which run ended (its claude's pid): a late report about an earlier run of the runner is moot. */
  pid: int4.positive().optional(),
  /** The launch command's `launch`, echoed: tells an earlier run's exit apart before the new pid is recorded. */
  launch: z.string().min(1).max(40).optional(),
  /** The agent ended it because the agent itself was stopping (its machine or `npm start` shutting down). */
  agentStopping: z.boolean().optional(),
});
export type RunnerExited = z.infer<typeof runnerExitedSchema>;
export const agentOutputSchema = z.object({
  runnerId: z.uuid(),
  seq: z.number().int(),
  data: z.string().max(1_000_000),
});

/**
 * Pre-emptive budgets (DESIGN §4): what a runner may still spend under one biting budget — its
 * share of what remains — counted by the agent from the transcript as lines appear, so the
 * runner freezes the moment it is spent, without waiting for shipping and a server round trip.
 * Spend is measured beyond `base*`, the runner's ledger total when the allowance was computed.
 */
export const allowanceSchema = z.object({
  runnerId: z.uuid(),
  budgetId: z.uuid(),
  budgetName: z.string().max(200),
  tokens: z.number().nullable(),
  usd: z.number().nullable(),
  baseTokens: z.number().min(0),
  baseUsd: z.number().min(0),
});
export type Allowance = z.infer<typeof allowanceSchema>;
/** The runners named in `runnerIds` get exactly `items` (none = no allowance); prices value their usage in dollars. */
export const allowancesCommandSchema = z.object({
  runnerIds: z.array(z.uuid()).max(5000),
  items: z.array(allowanceSchema).max(20_000),
  prices: z.object({ version: z.string().max(200), prices: z.array(modelPriceSchema).max(1000) }),
});
export type AllowancesCommand = z.infer<typeof allowancesCommandSchema>;
export const launchCommandSchema = z.object({
  runnerId: z.uuid(),
  /** Which launch of the runner this is (a restart is another); its exit report says it back. */
  launch: z.string().min(1).max(40).optional(),
  cwd: z.string(),
  /** Every launch names its session before claude starts (DESIGN §2): no guessing from files. */
  spec: z.object({
    mode: z.enum(["new", "resume"]),
    // z.guid: any 8-4-4-4-12 hex id, as claude accepts; imported sessions are not all RFC 4122.
    sessionId: z.guid(),
    forkSessionId: z.guid().optional(),
    model: z.string().optional(),
    prompt: z.string().optional(),
    extraArgs: z.array(z.string()).optional(),
  }),
  limits: z
    .object({ memoryBytes: z.number().int().positive().optional(), cpuPercent: z.number().int().positive().optional() })
    .optional(),
  /** Its budget allowances from the first line it writes (absent: no stopping budget covers it). */
  allowances: allowancesCommandSchema.omit({ runnerIds: true }).optional(),
  cols: z.number().int().min(10).max(1000),
  rows: z.number().int().min(5).max(500),
});
export type LaunchCommand = z.infer<typeof launchCommandSchema>;
export const signalCommandSchema = z.object({
  runnerId: z.uuid(),
  action: z.enum(["stop", "kill", "pause", "resume"]),
});
export type SignalCommand = z.infer<typeof signalCommandSchema>;
export const inputCommandSchema = z.object({ runnerId: z.uuid(), data: z.string().max(64_000) });
export const resizeCommandSchema = z.object({
  runnerId: z.uuid(),
  cols: z.number().int().min(10).max(1000),
  rows: z.number().int().min(5).max(500),
});

/** Usage from a runner's transcripts; `batchId` makes a resend recognisable in logs, the keys make it idempotent. */
export const usageBatchSchema = z.object({
  runnerId: z.uuid(),
  batchId: z.string().min(1).max(100),
  records: z.array(usageRecordSchema).max(5000),
});
export type UsageBatch = z.infer<typeof usageBatchSchema>;
/** Every ack's failure shape: a code from the list the receiver knows, and words for people. */
const failed = <const C extends readonly [string, ...string[]]>(codes: C) =>
  z.object({ ok: z.literal(false), code: z.enum(codes), message: z.string().max(10_000) });
/** Usage and transcript batches: the server's AppError code (ERROR_CODES), or INTERNAL. */
export const batchAckSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), accepted: z.number().int().min(0) }),
  z.object({ ok: z.literal(false), code: z.string().max(50), message: z.string().max(10_000) }),
]);
export type UsageBatchAck = z.infer<typeof batchAckSchema>;

/** New transcript lines of a runner's session (the archive); idempotent by (session, uuid). */
export const transcriptBatchSchema = z.object({
  runnerId: z.uuid(),
  sessionId: z.string().min(1).max(100),
  entries: z.array(transcriptEntrySchema).max(2000),
});
export type TranscriptBatch = z.infer<typeof transcriptBatchSchema>;

/** Before a resume on a node that lacks the transcript, the server restores it from the archive. */
export const restoreCommandSchema = z.object({
  sessionId: z.string().min(1).max(100),
  cwd: z.string().min(1).max(4096),
  files: z
    .array(
      z.object({
        name: z.string().max(300),
        content: z.string(),
        /** The exact bytes when the file holds lines that are not valid UTF-8 text (then `content` is ignored). */
        contentBase64: z.string().optional(),
      }),
    )
    .max(1000),
});
export const restoreAckSchema = z.union([
  z.object({ ok: z.literal(true), restored: z.boolean() }),
  failed(["RESTORE_FAILED", "NODE_UNAVAILABLE", "VALIDATION", "PATH_MISSING"]),
]);
export type RestoreAck = z.infer<typeof restoreAckSchema>;

export const allowanceSpentSchema = z.object({
  runnerId: z.uuid(),
  budgetId: z.uuid(),
  spentTokens: z.number(),
  spentUsd: z.number(),
});
/** RETRY: the server cannot record the pause yet (the runner is still starting there); any failure is said again. */
export const allowanceSpentAckSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), code: z.string().max(50), message: z.string().max(10_000) }),
]);
export type AllowanceSpentAck = z.infer<typeof allowanceSpentAckSchema>;
/** The server answers an exit once it is recorded: until then the agent keeps it and says it again, and a stopping agent waits for it. */
export const runnerExitedAckSchema = allowanceSpentAckSchema;
export type RunnerExitedAck = AllowanceSpentAck;
/** The server answers a session report once the runner follows it; SESSION_REFUSED is final and names the sessions it refused. */
export const runnerSessionAckSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({
    ok: z.literal(false),
    code: z.string().max(50),
    message: z.string().max(10_000),
    sessions: z.array(z.string().max(100)).max(100).optional(),
  }),
]);
export type RunnerSessionAck = z.infer<typeof runnerSessionAckSchema>;

type Payload<S extends z.ZodType> = z.infer<S>;

export interface AgentToServerEvents {
  "agent:inventory": (p: Payload<typeof agentInventorySchema>) => void;
  "agent:heartbeat": (p: Payload<typeof agentHeartbeatSchema>) => void;
  "runner:session": (p: Payload<typeof runnerSessionSchema>, ack: (res: RunnerSessionAck) => void) => void;
  "runner:exited": (p: Payload<typeof runnerExitedSchema>, ack: (res: RunnerExitedAck) => void) => void;
  "runner:output": (p: Payload<typeof agentOutputSchema>) => void;
  "runner:activity": (p: Payload<typeof runnerActivityMessageSchema>) => void;
  "usage:batch": (p: UsageBatch, ack: (res: UsageBatchAck) => void) => void;
  "transcript:batch": (p: TranscriptBatch, ack: (res: UsageBatchAck) => void) => void;
  "runner:allowance_spent": (p: Payload<typeof allowanceSpentSchema>, ack: (res: AllowanceSpentAck) => void) => void;
}

/** The agent answers a launch once claude is spawned (or could not be). */
/** UNREACHABLE: the server could not reach the agent or it did not answer in time (it may still have spawned). */
export const launchAckSchema = z.union([
  z.object({ ok: z.literal(true), pid: int4.positive() }),
  failed(["PATH_MISSING", "SPAWN_FAILED", "AT_CAPACITY", "DUPLICATE", "UNREACHABLE"]),
]);
export type LaunchAck = z.infer<typeof launchAckSchema>;
/** ALLOWANCE_SPENT: a resume the node refuses, the runner's share under `budgetId` being spent (a fresh share comes with the budget's next push). */
export const signalAckSchema = z.union([
  z.object({ ok: z.literal(true) }),
  failed(["UNKNOWN_RUNNER", "SIGNAL_FAILED"]),
  z.object({
    ok: z.literal(false),
    code: z.literal("ALLOWANCE_SPENT"),
    message: z.string().max(10_000),
    budgetId: z.uuid(),
  }),
]);
export type SignalAck = z.infer<typeof signalAckSchema>;
export const logsRequestSchema = z.object({ runnerId: z.uuid(), maxLines: z.number().int().min(1).max(10_000) });
/** The tail of a runner's rotated log file on its node (it outlives the runner). */
export const logsAckSchema = z.union([
  z.object({ ok: z.literal(true), lines: z.array(z.string()).max(10_000) }),
  failed(["NO_LOG"]),
]);
export type LogsAck = z.infer<typeof logsAckSchema>;
/** Before placing a launch, the server asks which of these folders exist on the node (agents whose capabilities say `folders`). */
export const foldersRequestSchema = z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(50) });
/** `present[i]`: paths[i] is a directory on the node; null when the node could not tell in time (a hung mount). */
export const foldersAckSchema = z.union([
  z.object({ ok: z.literal(true), present: z.array(z.boolean().nullable()).max(50) }),
  /** UNREACHABLE: said by the server when the agent did not answer. */
  failed(["VALIDATION", "UNREACHABLE"]),
]);
export type FoldersAck = z.infer<typeof foldersAckSchema>;

export interface ServerToAgentEvents {
  "agent:welcome": (p: Payload<typeof agentWelcomeSchema>) => void;
  "agent:launch": (p: LaunchCommand, ack: (res: LaunchAck) => void) => void;
  "agent:signal": (p: SignalCommand, ack: (res: SignalAck) => void) => void;
  "agent:input": (p: Payload<typeof inputCommandSchema>) => void;
  "agent:logs": (p: Payload<typeof logsRequestSchema>, ack: (res: LogsAck) => void) => void;
  "agent:restore": (p: Payload<typeof restoreCommandSchema>, ack: (res: RestoreAck) => void) => void;
  "agent:folders": (p: Payload<typeof foldersRequestSchema>, ack: (res: FoldersAck) => void) => void;
  "agent:resize": (p: Payload<typeof resizeCommandSchema>) => void;
  "agent:allowances": (p: AllowancesCommand) => void;
}

export const agentEventSchemas = {
  "agent:inventory": agentInventorySchema,
  "agent:heartbeat": agentHeartbeatSchema,
  "runner:output": agentOutputSchema,
  "runner:activity": runnerActivityMessageSchema,
} as const;
