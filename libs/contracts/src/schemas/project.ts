import { z } from "zod";

export const PROJECT_STATUSES = ["active", "idle", "archived"] as const;
export const projectStatusSchema = z.enum(PROJECT_STATUSES);
export type ProjectStatus = z.infer<typeof projectStatusSchema>;

export const projectNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Use lowercase letters, digits and dashes (a slug), at most 63 characters");

/** An absolute, normalised path: no "." or ".." segments; repeated and trailing slashes collapse. */
export const projectPathSchema = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith("/"), "Must be an absolute path")
  // A newline or an escape in a path forged rows in the CLI's tables (the attacker review).
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  .refine((p) => !/[\u0000-\u001f\u007f-\u009f]/.test(p), "Must not contain control characters (newlines, escapes)")
  .refine((p) => !p.split("/").some((s) => s === ".." || s === "."), "Must not contain '.' or '..' segments")
  .transform((p) => `/${p.split("/").filter(Boolean).join("/")}`);

export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9_.-]{0,31}$/,
    "Tags are short slugs: lowercase letters, digits, . _ or -, at most 32 characters",
  );

export const DEFAULT_MAX_RUNNERS = 5;

/** What the watchdog does when it finds a runner stalled or looping on API errors (it always announces it). */
export const WATCHDOG_STALL_ACTIONS = ["notify", "restart"] as const;
export const WATCHDOG_ERROR_LOOP_ACTIONS = ["notify", "pause"] as const;
const watchdogFields = {
  /** No output and no transcript growth this long while working = stalled. */
  watchdogStallSeconds: z.number().int().min(5).max(86_400),
  watchdogOnStall: z.enum(WATCHDOG_STALL_ACTIONS),
  watchdogOnErrorLoop: z.enum(WATCHDOG_ERROR_LOOP_ACTIONS),
};

export const projectCreateInput = z.object({
  name: projectNameSchema,
  path: projectPathSchema,
  description: z.string().trim().max(2000).default(""),
  tags: z.array(tagSchema).max(20).default([]),
  maxRunners: z.number().int().min(1).max(100).default(DEFAULT_MAX_RUNNERS),
  /** Optional cgroup limits per runner (enforced on nodes with cgroup isolation; null clears). */
  runnerMemoryMb: z.number().int().min(64).max(1_048_576).nullable().optional(),
  runnerCpuPercent: z.number().int().min(5).max(6400).nullable().optional(),
});
export type ProjectCreateInput = z.input<typeof projectCreateInput>;

export const projectUpdateInput = z.object({
  id: z.uuid(),
  name: projectNameSchema.optional(),
  path: projectPathSchema.optional(),
  description: z.string().trim().max(2000).optional(),
  tags: z.array(tagSchema).max(20).optional(),
  maxRunners: z.number().int().min(1).max(100).optional(),
  /** Optional cgroup limits per runner (enforced on nodes with cgroup isolation; null clears). */
  runnerMemoryMb: z.number().int().min(64).max(1_048_576).nullable().optional(),
  runnerCpuPercent: z.number().int().min(5).max(6400).nullable().optional(),
  watchdogStallSeconds: watchdogFields.watchdogStallSeconds.optional(),
  watchdogOnStall: watchdogFields.watchdogOnStall.optional(),
  watchdogOnErrorLoop: watchdogFields.watchdogOnErrorLoop.optional(),
});
export type ProjectUpdateInput = z.input<typeof projectUpdateInput>;

export const projectSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  path: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  status: projectStatusSchema,
  maxRunners: z.number().int(),
  runnerMemoryMb: z.number().int().nullable(),
  runnerCpuPercent: z.number().int().nullable(),
  ...watchdogFields,
  activeRunners: z.number().int(),
  archivedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Project = z.infer<typeof projectSchema>;

export const projectStatsSchema = z.object({
  activeRunners: z.number().int(),
  totalRunners: z.number().int(),
  sessions: z.number().int(),
  totalTokens: z.number(),
  costUsd: z.number(),
  lastActivityAt: z.date().nullable(),
});
export type ProjectStats = z.infer<typeof projectStatsSchema>;

export const projectDetailSchema = projectSchema.extend({ stats: projectStatsSchema });
export type ProjectDetail = z.infer<typeof projectDetailSchema>;

export const projectListInput = z
  .object({
    search: z.string().trim().max(100).optional(),
    status: projectStatusSchema.optional(),
    tag: tagSchema.optional(),
    includeArchived: z.boolean().default(false),
  })
  .default({ includeArchived: false });
export const projectListOutput = z.array(projectSchema);

/** Look a project up by id or by its unique name. */
export const projectRefInput = z.object({ ref: z.string().trim().min(1).max(100) });

/**
 * Where the project's folder is checked out, per online node that could run it (its labels):
 * `present` null when the node's agent cannot say (an earlier release, or no answer in time).
 * Launches that name no node go only where it is present or unknown.
 */
export const projectFolderOutput = z.object({
  path: z.string(),
  nodes: z.array(z.object({ id: z.uuid(), name: z.string(), present: z.boolean().nullable() })),
});
export type ProjectFolder = z.infer<typeof projectFolderOutput>;

/**
 * Every online node that could run the project said its folder is not there (at least one
 * node, none unknown): launches are refused PATH_MISSING, and the dashboard and CLI say so.
 */
export const folderOnNoNode = (nodes: readonly { present: boolean | null }[]): boolean =>
  nodes.length > 0 && nodes.every((n) => n.present === false);
export const projectIdInput = z.object({ id: z.uuid() });

/** Without `afterSeq` only the current cursor is returned (a client's first connect). */
export const projectChangesInput = z.object({ afterSeq: z.number().int().min(0).optional() });
export const projectChangesOutput = z.object({
  seq: z.number().int(),
  upserted: z.array(projectSchema),
  deletedIds: z.array(z.uuid()),
  hasMore: z.boolean(),
});

export type ProjectListFilter = z.input<typeof projectListInput>;

/** The list filter as a predicate, so a client can place a pushed project in its cached lists. */
export function projectMatchesFilter(p: Project, f: ProjectListFilter | undefined): boolean {
  const filter = f ?? {};
  if (filter.status ? p.status !== filter.status : !filter.includeArchived && p.status === "archived") return false;
  if (filter.tag && !p.tags.includes(filter.tag.toLowerCase())) return false;
  const q = filter.search?.trim().toLowerCase();
  if (q && ![p.name, p.description, p.path].some((v) => v.toLowerCase().includes(q))) return false;
  return true;
}
