import { z } from "zod";
import { idPrefixSchema } from "./common.ts";
import { labelSchema } from "./node.ts";

export const RUNNER_STATUSES = ["starting", "running", "paused", "stopping", "lost", "terminated", "failed"] as const;
export const runnerStatusSchema = z.enum(RUNNER_STATUSES);
/** Read from a running runner's screen: a turn in progress, a dialog waiting on its user, or the prompt. */
export const runnerActivityStateSchema = z.enum(["working", "waiting", "idle"]);
export type RunnerActivityState = z.infer<typeof runnerActivityStateSchema>;
export type RunnerStatus = z.infer<typeof runnerStatusSchema>;
/**
 * Statuses that hold a quota slot and a place on their node. `lost` is one: its node went
 * quiet but claude may still run (and spend) there, so it stays stoppable and counted.
 */
export const ACTIVE_RUNNER_STATUSES = [
  "starting",
  "running",
  "paused",
  "stopping",
  "lost",
] as const satisfies readonly RunnerStatus[];
export const isActiveRunnerStatus = (s: RunnerStatus) => (ACTIVE_RUNNER_STATUSES as readonly string[]).includes(s);

export const CONVERSATION_MODES = ["new", "continue", "resume"] as const;
export const conversationModeSchema = z.enum(CONVERSATION_MODES);

/** Extra claude flags pass through verbatim, but bounded so a request cannot smuggle megabytes. */
/** Flags that pick claude's session: Stratavore fixes the session before spawn, so these would make it lie. */
export const SESSION_FLAGS = ["-c", "--continue", "-r", "--resume", "--session-id", "--fork-session"] as const;
const picksSession = (a: string) => (SESSION_FLAGS as readonly string[]).includes(a.split("=")[0] ?? a);
const extraArgSchema = z
  .string()
  .max(500)
  .refine((a) => !a.includes("\0"), "No NUL bytes")
  .refine((a) => a !== "--", "'--' is added before the prompt by Stratavore; pass the prompt separately")
  .refine(
    (a) => !picksSession(a),
    "Session flags are set by Stratavore; use the launch mode (new, continue, resume, fork) instead",
  );
export const extraArgsSchema = z.array(extraArgSchema).max(30);
// A model starting with '-' would be read by claude as the next flag.
export const modelSchema = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9._:[\]][a-zA-Z0-9._:[\]-]{0,99}$/, "Not a model name");
export const promptSchema = z.string().max(20_000);

export const runnerLaunchInput = z
  .object({
    project: z.string().trim().min(1).max(100),
    mode: conversationModeSchema.default("new"),
    resumeSessionId: z.uuid().optional(),
    fork: z.boolean().default(false),
    model: modelSchema.optional(),
    prompt: promptSchema.optional(),
    node: z.string().trim().min(1).max(100).optional(),
    labels: z.array(labelSchema).max(10).default([]),
    extraArgs: extraArgsSchema.default([]),
    /**
     * "running" (default): answer once the agent started claude (or refused, with its code).
     * "accepted": answer as soon as the `starting` row is committed; the outcome follows as
     * `runner:status` (a refusal becomes `failed` with its reason) — for scripts and bursts.
     */
    wait: z.enum(["running", "accepted"]).default("running"),
  })
  .refine((v) => v.mode !== "resume" || v.resumeSessionId, {
    message: "resume needs resumeSessionId",
    path: ["resumeSessionId"],
  });
export type RunnerLaunchInput = z.input<typeof runnerLaunchInput>;

export const runnerSchema = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  projectName: z.string(),
  nodeId: z.uuid().nullable(),
  nodeName: z.string().nullable(),
  status: runnerStatusSchema,
  conversationMode: conversationModeSchema,
  sessionId: z.string().nullable(),
  /** Sessions its claude moved away from (/clear, /resume in its terminal), oldest first. */
  pastSessionIds: z.array(z.string()),
  model: z.string().nullable(),
  prompt: z.string().nullable(),
  flags: z.array(z.string()),
  pid: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  endReason: z.string().nullable(),
  restartAttempts: z.number().int(),
  maxRestarts: z.number().int(),
  nextRestartAt: z.date().nullable(),
  lostAt: z.date().nullable(),
  pauseReason: z.string().nullable(),
  pausedByBudgetId: z.uuid().nullable(),
  restartDeferredSince: z.date().nullable(),
  memoryLimitBytes: z.number().nullable(),
  cpuLimitPercent: z.number().int().nullable(),
  cpuPercent: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  lastHeartbeatAt: z.date().nullable(),
  /** What it was last seen doing (null before its agent reported, or from an older agent). */
  activity: runnerActivityStateSchema.nullable(),
  /** The question it waits on, or its latest line of output. */
  activityLine: z.string().nullable(),
  /** When its screen last changed. */
  activityAt: z.date().nullable(),
  /** Its session's title (the first prompt, or claude's summary), when known: what it works on. */
  sessionTitle: z.string().nullable(),
  /** The watchdog's finding while it runs (stalled, or looping on API errors), what it saw, since when. */
  watchdog: z.enum(["stalled", "error_loop"]).nullable(),
  watchdogDetail: z.string().nullable(),
  watchdogSince: z.date().nullable(),
  /** Tags plugins' launch hooks gave it ("branch:main"). */
  tags: z.array(z.string()),
  /** Started by its project's pool; the queued task it works, if any. */
  pooled: z.boolean(),
  taskId: z.uuid().nullable(),
  /** When its latest restart was sent (null: never restarted, its launch is createdAt). */
  launchedAt: z.date().nullable(),
  startedAt: z.date().nullable(),
  endedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Runner = z.infer<typeof runnerSchema>;

/** What a runner list is narrowed by (the list and its count share it). */
const runnerFilterShape = z.object({
  project: z.string().trim().max(100).optional(),
  status: z.union([runnerStatusSchema, z.literal("active")]).optional(),
  node: z.string().trim().max(100).optional(),
  /** Runners of one Claude Code session (newest first). */
  session: z.string().trim().min(1).max(100).optional(),
  /** Runners whose id starts with this (what tables show): among all runners, not only the newest. */
  idPrefix: idPrefixSchema("runner").optional(),
});
export const runnerListInput = runnerFilterShape
  .extend({ limit: z.number().int().min(1).max(5000).default(100) })
  .default({ limit: 100 });
export const runnerListOutput = z.array(runnerSchema);
/** The same filters without a limit: how many runners match ("Showing 200 of 1,234"). */
export const runnerCountInput = runnerFilterShape.default({});
export const runnerCountOutput = z.object({ total: z.number().int() });
export const runnerIdInput = z.object({ id: z.uuid() });
/**
 * `onlyRestart`: cancel a failed runner's waiting restart and nothing else — refused (CONFLICT)
 * once it is no longer waiting, so a dialog left open while it restarted cannot stop the new run.
 */
export const runnerStopInput = runnerIdInput.extend({ onlyRestart: z.boolean().optional() });

export const runnerTimelineEntry = z.object({
  seq: z.number().int(),
  type: z.string(),
  at: z.date(),
  actor: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export const runnerTimelineOutput = z.array(runnerTimelineEntry);

export const outputChunkSchema = z.object({ seq: z.number().int(), data: z.string() });
export const runnerScrollbackOutput = z.object({ runnerId: z.uuid(), chunks: z.array(outputChunkSchema) });

/** Moving a runner's conversation to another node (the server picks one when none is named). */
export const runnerMoveInput = z.object({ id: z.uuid(), node: z.string().trim().min(1).max(100).optional() });
export const runnerRebalanceInput = z.object({ dryRun: z.boolean().default(false) });
export const runnerMoveListOutput = z.array(
  z.object({
    runnerId: z.uuid(),
    from: z.string(),
    to: z.string(),
    newRunnerId: z.uuid().optional(),
    error: z.string().optional(),
  }),
);
