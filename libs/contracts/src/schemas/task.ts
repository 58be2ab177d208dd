import { z } from "zod";
import { labelSchema } from "./node.ts";
import { extraArgsSchema, modelSchema } from "./runner.ts";

export const TASK_STATUSES = ["queued", "running", "done", "failed", "cancelled"] as const;
export const TASK_SOURCES = ["ui", "cli", "api", "webhook"] as const;
const projectRef = z.string().trim().min(1).max(100);

/** A task's fields as a caller gives them (UI, CLI, API, or a webhook's JSON body). */
export const taskFields = z.object({
  prompt: z.string().trim().min(1, "A task needs a prompt").max(20_000),
  model: modelSchema.optional(),
  flags: extraArgsSchema.default([]),
  priority: z.number().int().min(-1000).max(1000).default(0),
  labels: z.array(labelSchema).max(10).default([]),
});

/**
 * What a task webhook may set: its prompt and priority. Flags, model and node labels choose how
 * claude runs (a flag can skip its permission checks): only signed-in operators set those.
 */
export const taskHookFields = taskFields.pick({ prompt: true, priority: true });

/**
 * A prompt claude would run as a command instead of answering (seen with claude 2.1.328): `!`
 * typed or pasted at its prompt, as a warm pool runner is given its task, runs the rest in a
 * shell without asking; `/` runs a slash command (`/permissions`, `/logout`, the project's own
 * commands), typed, pasted or as the launch prompt — leading spaces, line breaks and no-break
 * spaces do not stop it; the class also skips marks and invisible fillers, and full-width
 * forms, in case claude strips them. A webhook's caller may not do either.
 */
export const COMMAND_PROMPT = /^[\p{Z}\p{Cc}\p{Cf}\p{M}\p{Default_Ignorable_Code_Point}]*[/!\uFF0F\uFF01]/u;

/** Control characters but tab and line breaks: terminal escapes have no place in a task from a webhook. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Why a webhook's prompt is refused (it would drive claude rather than ask it), or null. */
export function webhookPromptRefusal(prompt: string): string | null {
  if (COMMAND_PROMPT.test(prompt)) return "starts with / or !: claude would run it as a command, not answer it";
  if (CONTROL_CHARS.test(prompt)) return "holds control characters (terminal escapes)";
  return null;
}

/** What callers send (API, CLI, dashboard): `webhook` is the task webhook's own, never claimed. */
export const taskAddInput = taskFields.extend({
  project: projectRef,
  source: z
    .enum(["ui", "cli", "api"])
    .default("api")
    .describe("Where the task came from: ui, cli or api (tasks from the task webhook say webhook)."),
});
export type TaskAddInput = z.input<typeof taskAddInput>;
/** A task as the service adds it: a caller's, or one from the task webhook. */
export const taskCreateInput = taskAddInput.extend({ source: z.enum(TASK_SOURCES).default("api") });
export type TaskCreateInput = z.input<typeof taskCreateInput>;

export const taskListInput = z.object({
  project: projectRef.optional(),
  status: z.enum(TASK_STATUSES).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export const taskIdInput = z.object({ id: z.uuid() });

export const taskSchema = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  projectName: z.string(),
  prompt: z.string(),
  model: z.string().nullable(),
  flags: z.array(z.string()),
  priority: z.number().int(),
  labels: z.array(z.string()),
  status: z.enum(TASK_STATUSES),
  runnerId: z.uuid().nullable(),
  outcome: z.string().nullable(),
  source: z.string(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export type Task = z.infer<typeof taskSchema>;
export const taskListOutput = z.object({
  tasks: z.array(taskSchema),
  /** Queued tasks of the filter's project(s), and how long the oldest has waited. */
  queued: z.number().int(),
  oldestQueuedAt: z.date().nullable(),
});

const percent = z.number().int().min(1).max(100);
export const poolPolicyFields = z.object({
  enabled: z.boolean(),
  minRunners: z.number().int().min(0).max(100),
  maxRunners: z.number().int().min(1).max(100),
  idleTimeoutSec: z
    .number()
    .int()
    .min(5)
    .max(7 * 86_400),
  nodeLabels: z.array(labelSchema).max(10),
  maxNodeCpuPercent: percent,
  maxNodeMemoryPercent: percent,
});
export const poolSetInput = poolPolicyFields
  .partial()
  .extend({ project: projectRef })
  .refine((p) => p.minRunners === undefined || p.maxRunners === undefined || p.minRunners <= p.maxRunners, {
    message: "minRunners cannot be above maxRunners",
    path: ["minRunners"],
  });
export const poolRefInput = z.object({ project: projectRef });

/** One autoscaler decision with the inputs it was made from (also an audit event, `pool.scaled`). */
export const scalingDecisionSchema = z.object({
  seq: z.number().int(),
  at: z.date(),
  /** up: runners started; down: idle runners stopped; hold: wanted more but may not. */
  action: z.enum(["up", "down", "hold"]),
  count: z.number().int(),
  reason: z.string(),
  inputs: z.record(z.string(), z.unknown()),
});
export type ScalingDecision = z.infer<typeof scalingDecisionSchema>;

export const poolSchema = poolPolicyFields.extend({
  projectId: z.uuid(),
  projectName: z.string(),
  /** Whether a task webhook secret is set (the secret itself is shown once, when made). */
  hasHook: z.boolean(),
  /** Pool runners now: working a task, idle without one. */
  working: z.number().int(),
  idle: z.number().int(),
  queued: z.number().int(),
  oldestQueuedAt: z.date().nullable(),
  decisions: z.array(scalingDecisionSchema),
});
export type Pool = z.infer<typeof poolSchema>;
/** A new task webhook secret, shown once: POST JSON task fields to `url`. */
export const poolHookOutput = z.object({ url: z.string(), secret: z.string() });
