import { z } from "zod";
import { boundedDate, boundedTimestamp, idPrefixSchema } from "./common.ts";
import { extraArgsSchema, modelSchema, promptSchema } from "./runner.ts";

/** Raw bytes travel in parts of this size (base64: 1 MiB), under the socket's message limit. */
export const RAW_PART_BYTES = 768 * 1024;
/**
 * A line's bytes are kept up to 48 MB (64 parts): far beyond real transcript lines, and small
 * enough that a backup's JSON row (bytea as hex, twice the size) stays a string V8 can hold and
 * appending part after part stays cheap. A longer line keeps its cut `rawLine` only.
 */
export const RAW_PARTS_MAX = 64;

/** One transcript line as archived: searchable text plus the original bytes and position. */
/**
 * A sub-agent transcript's file name, as Claude Code writes them (`agent-<id>.jsonl`, in the
 * `<session>/subagents/` tree or, before 2.1.2, beside the sessions). Import, the live tailer
 * and the transcript upload take the same names and paths, so a file one reads the others accept.
 */
export const SUBAGENT_FILE_NAME = /^agent-[\w.-]{1,200}\.jsonl$/;

/**
 * Where a sub-agent file lies under `<session>/subagents/`: its name, or a path of up to 8
 * folders to it — claude 2.1.328 keeps a tree there (`subagents/<agentRelPath…>/agent-<id>.jsonl`,
 * read from its binary) and a nested file's spend is the session's like any other. No segment is
 * "." or "..", so a restore never leaves the session's folder.
 */
const SUBAGENT_FILE_PATH = /^(?:(?!\.\.?\/)[\w.-]{1,100}\/){0,8}agent-[\w.-]{1,200}\.jsonl$/;
export const SUBAGENT_PATH_MAX = 250;

export function isSubagentFilePath(path: string): boolean {
  return path.length <= SUBAGENT_PATH_MAX && SUBAGENT_FILE_PATH.test(path);
}

export const transcriptEntrySchema = z.object({
  uuid: z.string().min(1).max(100),
  parentUuid: z.string().max(100).nullable(),
  type: z.string().min(1).max(50),
  role: z.string().max(20).nullable(),
  text: z.string().max(200_000),
  toolNames: z.array(z.string().max(100)).max(50),
  isSidechain: z.boolean(),
  timestamp: boundedTimestamp.nullable(),
  /**
   * "" for the main transcript, else the sub-agent file's path under `<session>/subagents/`
   * (e.g. "agent-abc.jsonl", "run-1/agent-abc.jsonl"): a restore writes it there, so nothing
   * that could name another path.
   */
  file: z.union([
    z.literal(""),
    z.string().refine(isSubagentFilePath, "a sub-agent file path (agent-….jsonl, in up to 8 folders)"),
  ]),
  offset: z.number().int().min(0),
  rawLine: z.string().max(2_000_000),
  /**
   * The line's original bytes, when `rawLine` cannot give them back exactly (invalid UTF-8, NUL
   * bytes, a trailing CR, or longer than `rawLine` may be): base64, split into parts. Part 0
   * comes with the entry; each further part is an entry of its own (same uuid, empty text and
   * rawLine) that the server appends, in order, to the stored bytes.
   */
  rawBytes: z
    .object({
      part: z
        .number()
        .int()
        .min(0)
        .max(RAW_PARTS_MAX - 1),
      parts: z.number().int().min(1).max(RAW_PARTS_MAX),
      base64: z.string().max(Math.ceil(RAW_PART_BYTES / 3) * 4),
    })
    .refine((r) => r.part < r.parts, "part must be below parts")
    .optional(),
});
export type TranscriptEntryInput = z.infer<typeof transcriptEntrySchema>;

export const sessionSchema = z.object({
  id: z.string(),
  projectId: z.uuid().nullable(),
  projectName: z.string().nullable(),
  nodeId: z.uuid().nullable(),
  title: z.string().nullable(),
  cwd: z.string().nullable(),
  firstMessageAt: z.date().nullable(),
  lastMessageAt: z.date().nullable(),
  messageCount: z.number().int(),
  entryCount: z.number().int(),
  resumable: z.boolean(),
  resumedFromId: z.string().nullable(),
  forkedFromId: z.string().nullable(),
  activeRunners: z.number().int(),
  totalTokens: z.number(),
  /** Null when all its usage is of unpriced models (never $0); estimated prices included otherwise. */
  costUsd: z.number().nullable(),
  estimatedCostUsd: z.number(),
  /** Some of costUsd is estimated (estimatedCostUsd > 0). */
  costEstimated: z.boolean(),
  unpricedTokens: z.number(),
  createdAt: z.date(),
});
export type Session = z.infer<typeof sessionSchema>;

export const sessionListInput = z
  .object({
    project: z.string().trim().max(100).optional(),
    node: z.string().trim().max(100).optional(),
    since: boundedDate.optional(),
    until: boundedDate.optional(),
    search: z.string().trim().max(200).optional(),
    /** Sessions whose id starts with this (what the CLI and the tables show: the first 8 characters). */
    idPrefix: idPrefixSchema("session").optional(),
    sort: z.enum(["recent", "oldest", "cost", "messages"]).default("recent"),
    limit: z.number().int().min(1).max(200).default(50),
    /** How many to skip (the dashboard's "Load more" asks for the next page from here). */
    cursor: z.number().int().min(0).max(1_000_000).optional(),
  })
  .default({ sort: "recent", limit: 50 });

export const sessionSearchHit = z.object({
  session: sessionSchema,
  entryId: z.string(),
  snippet: z.string(),
  rank: z.number(),
});
export const sessionListOutput = z.object({
  sessions: z.array(sessionSchema),
  hits: z.array(sessionSearchHit),
  /** Every session the filters match (not only this page); for a search, the hits found. */
  total: z.number().int(),
});

export const sessionIdInput = z.object({ id: z.string().min(1).max(100) });

/**
 * Our cost of a session beside Claude Code's own running figure (its last `cost-state`
 * transcript record), per model: where they differ by more than 1 %, the models say why —
 * usually a model claude prices differently (an id our table estimates, or an admin override).
 */
export const costCheckModelSchema = z.object({
  model: z.string(),
  claudeUsd: z.number(),
  oursUsd: z.number().nullable(),
  claudeTokens: z.number(),
  oursTokens: z.number(),
  estimated: z.boolean(),
});
export const sessionCostCheckOutput = z
  .object({
    claudeUsd: z.number(),
    oursUsd: z.number(),
    /** (ours − claude's) / claude's, in percent; null when claude's figure is 0. */
    differencePercent: z.number().nullable(),
    /** More than 1 % apart (never claimed while `stale`). */
    differs: z.boolean(),
    /**
     * Responses were archived after claude's figure: claude writes it when it leaves the session
     * or exits, so while it is still at work there the two cover different spans.
     */
    stale: z.boolean(),
    /** Claude said it lacked a price for some model (it then prices it its own way). */
    claudeMissedPrices: z.boolean(),
    models: z.array(costCheckModelSchema),
  })
  .nullable();
export type SessionCostCheck = NonNullable<z.infer<typeof sessionCostCheckOutput>>;
export const sessionEntriesInput = z.object({
  id: z.string().min(1).max(100),
  /** The last line id seen (a bigint as digits). */
  afterId: z
    .string()
    .regex(/^\d{1,18}$/, "must be a line id")
    .optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});
export const sessionEntrySchema = z.object({
  id: z.string(),
  uuid: z.string(),
  type: z.string(),
  role: z.string().nullable(),
  text: z.string(),
  toolNames: z.array(z.string()),
  isSidechain: z.boolean(),
  timestamp: z.date().nullable(),
  file: z.string(),
  /** Parsed original line, for rendering blocks (tool input, results, thinking). */
  raw: z.unknown(),
});
export const sessionEntriesOutput = z.object({
  entries: z.array(sessionEntrySchema),
  nextAfterId: z.string().nullable(),
});
export const sessionExportInput = z.object({ id: z.string().min(1).max(100), format: z.enum(["jsonl", "md", "json"]) });
export const sessionExportOutput = z.object({
  filename: z.string(),
  contentType: z.string(),
  content: z.string(),
  /** The exact bytes (JSONL with lines that are not valid UTF-8 text); `content` is then for display only. */
  contentBase64: z.string().optional(),
});
export const similarSessionsOutput = z.array(z.object({ session: sessionSchema, score: z.number() }));

/**
 * Resume a session in a new runner: on its original node by default, or any online node. The
 * model and claude flags default to those of the session's last runner; a prompt is sent as
 * the first new message.
 */
export const sessionResumeInput = z.object({
  id: z.string().min(1).max(100),
  node: z.string().trim().min(1).max(100).optional(),
  fork: z.boolean().default(false),
  prompt: promptSchema.optional(),
  model: modelSchema.optional(),
  extraArgs: extraArgsSchema.optional(),
});

/** The stored, compressed transcript of an ended session: a presigned URL on S3, null on the filesystem store. */
export const sessionTranscriptOutput = z.object({
  stored: z.boolean(),
  url: z.string().nullable(),
  sha256: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  archivedAt: z.date().nullable(),
});
