import { projectPathSchema } from "./project.ts";
import { z } from "zod";
import { boundedDate, boundedTimestamp } from "./common.ts";

/**
 * One API response as counted from a transcript (DESIGN §3). `messageId` is the ledger key:
 * the API makes message.id unique per response, across files, sessions and machines (a line
 * without one is keyed `request:<requestId>`). The server derives the key from it; nothing
 * a node sends can name another row.
 */
/** PostgreSQL text cannot hold NUL: a field with one is malformed here, not a failed write later. */
const ledgerText = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !s.includes("\u0000"), "Must not contain NUL characters");
/**
 * Per response. A trillion tokens is a million times any real response and keeps sums exact in
 * a double; request counts fit the int4 columns.
 */
const tokenCount = z.number().int().min(0).max(1e12);
const requestCount = z.number().int().min(0).max(1_000_000);
export const usageRecordSchema = z.object({
  messageId: ledgerText(1, 200),
  requestId: ledgerText(0, 200).nullable(),
  sessionId: ledgerText(1, 100),
  model: ledgerText(1, 200),
  serviceTier: ledgerText(0, 50).nullable(),
  speed: ledgerText(0, 50).nullable(),
  inputTokens: tokenCount,
  outputTokens: tokenCount,
  cacheWrite5mTokens: tokenCount,
  cacheWrite1hTokens: tokenCount,
  cacheReadTokens: tokenCount,
  webSearchRequests: requestCount,
  webFetchRequests: requestCount,
  isSidechain: z.boolean(),
  occurredAt: boundedTimestamp,
  /**
   * The session the line names as its own (claude's `sessionId`), when it differs from nothing
   * known: a resumed or forked session's file repeats earlier responses under their first
   * session's id. Absent from agents and CLIs of earlier releases.
   */
  lineSessionId: ledgerText(1, 100).nullable().optional(),
});
export type UsageRecordInput = z.infer<typeof usageRecordSchema>;

export function usageTotal(
  r: Pick<
    UsageRecordInput,
    "inputTokens" | "outputTokens" | "cacheWrite5mTokens" | "cacheWrite1hTokens" | "cacheReadTokens"
  >,
): number {
  return r.inputTokens + r.outputTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens + r.cacheReadTokens;
}

export const TOKEN_TYPES = ["input", "output", "cacheWrite5m", "cacheWrite1h", "cacheRead"] as const;

/** `day_model`: "YYYY-MM-DD|model" groups, a day's spend split by model. */
export const usageGroupBy = z.enum(["day", "week", "month", "model", "project", "session", "runner", "day_model"]);
export const usageQueryInput = z.object({
  project: z.string().trim().max(100).optional(),
  runnerId: z.uuid().optional(),
  since: boundedDate.optional().describe("From this instant, included; a bare date is 00:00 UTC of that day."),
  // The accounting review read `until=2026-10-17` as including that day, as the CLI's --until does.
  until: boundedDate
    .optional()
    .describe(
      "Up to this instant, excluded; a bare date is 00:00 UTC of that day, so until=2026-10-18 ends with 2026-10-17 (the CLI's --until includes the day it names).",
    ),
  by: usageGroupBy.default("day"),
  limit: z.number().int().min(1).max(1000).default(100),
});
export const usageRowSchema = z.object({
  group: z.string(),
  label: z.string(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheWrite5mTokens: z.number(),
  cacheWrite1hTokens: z.number(),
  cacheReadTokens: z.number(),
  totalTokens: z.number(),
  /**
   * Priced usage in dollars, estimated prices included; unpriced tokens are counted apart, never
   * as $0: null when every token of the row is unpriced (DESIGN §3 rule 4).
   */
  costUsd: z.number().nullable(),
  /** The part of costUsd priced at a family's newest price because the exact model id is not in the table. */
  estimatedCostUsd: z.number(),
  /** Some of costUsd is estimated (estimatedCostUsd > 0): DESIGN §3 rule 4's flag, as ledger rows and sessions carry it. */
  costEstimated: z.boolean(),
  unpricedTokens: z.number(),
  requests: z.number(),
  /** Web searches (`server_tool_use`): their fee is in costUsd, on top of the tokens. */
  webSearchRequests: z.number(),
});
export type UsageRow = z.infer<typeof usageRowSchema>;

/** A row with nothing spent: a day without usage, or the start of a total. */
export function emptyUsageRow(group: string, label = group): UsageRow {
  return {
    group,
    label,
    inputTokens: 0,
    outputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
    totalTokens: 0,
    costUsd: 0,
    estimatedCostUsd: 0,
    costEstimated: false,
    unpricedTokens: 0,
    requests: 0,
    webSearchRequests: 0,
  };
}
export const usageQueryOutput = z.object({ rows: z.array(usageRowSchema), totals: usageRowSchema });

export const usageSummaryOutput = z.object({
  todayTokens: z.number(),
  todayCostUsd: z.number(),
  todayEstimatedCostUsd: z.number(),
  todayUnpricedTokens: z.number(),
  cacheHitRatio: z.number().nullable(),
});

/** Existing Claude Code history, parsed on the user's machine and sent in chunks (idempotent). */
export const importedSessionSchema = z.object({
  // Claude Code's session ids (any 8-4-4-4-12 hex, as claude accepts): the id names files and
  // store keys later, so nothing else.
  sessionId: z.guid(),
  cwd: projectPathSchema.nullable(),
  title: z.string().max(500).nullable(),
  firstAt: boundedTimestamp.nullable(),
  lastAt: boundedTimestamp.nullable(),
  messageCount: z.number().int().min(0).max(1_000_000_000),
  records: z.array(usageRecordSchema).max(20_000),
});
export const usageImportInput = z.object({ sessions: z.array(importedSessionSchema).min(1).max(50) });
/** Said once at the end of an import, so it is audited and announced (`import.finished`). */
export const importFinishedInput = z.object({
  sessions: z.number().int().min(0).max(10_000_000),
  recordsChanged: z.number().int().min(0).max(1_000_000_000),
  failed: z.number().int().min(0).max(10_000_000).default(0),
});

/** Which of these sessions the server has (an import carrying on checks them before skipping any). */
export const importedSessionsInput = z.object({ sessionIds: z.array(z.string().max(200)).max(5_000) });
export const importedSessionsOutput = z.object({ sessionIds: z.array(z.string()) });

export const usageImportOutput = z.object({
  sessions: z.number().int(),
  recordsChanged: z.number().int(),
  projectsCreated: z.array(z.string()),
  /** Sessions a runner worked on: its agent counts them, so an import leaves them alone. */
  runnerSessionsSkipped: z.number().int(),
});

const pricePerMTok = z.number().min(0).max(100_000);
// Stored with 3 decimals: anything smaller would read back as 0, which is no multiplier.
const multiplier = z.number().min(0.001).max(100);

export const modelPriceSchema = z.object({
  modelPattern: z.string().trim().min(3).max(100),
  // Bounded to what the price columns hold (numeric(12,6) and (6,3)), far above any real price.
  input: pricePerMTok,
  output: pricePerMTok,
  cacheWrite5m: pricePerMTok,
  cacheWrite1h: pricePerMTok,
  cacheRead: pricePerMTok,
  longContextThreshold: z.number().int().positive().max(100_000_000).optional(),
  longContextInputMultiplier: multiplier.optional(),
  longContextOutputMultiplier: multiplier.optional(),
  fastModeMultiplier: multiplier.optional(),
});
export const priceBookOutput = z.object({
  version: z.string(),
  prices: z.array(modelPriceSchema.extend({ overridden: z.boolean() })),
});
/**
 * The book after an override, and what the override changes beyond its own id: a new id that
 * is its family's newest becomes the price every estimated id of that family takes.
 */
export const priceOverrideOutput = priceBookOutput.extend({ notice: z.string().nullable() });
export const priceOverrideInput = modelPriceSchema;
export const priceOverrideRemoveInput = z.object({ modelPattern: z.string().trim().min(3).max(100) });
export const repriceOutput = z.object({ records: z.number().int(), changed: z.number().int(), version: z.string() });

export const importLocalInput = z.object({ dir: z.string().trim().max(4096).optional() }).default({});
export const importLocalOutput = z.object({ jobId: z.string(), dir: z.string() });
/** Where an import puts some of the sessions it found: a project, a new project at a path, or none. */
export const importDestinationSchema = z.object({
  /** The project's path, or for a new project the sessions' cwd; null: no project. */
  path: z.string().nullable(),
  /** The project that takes them; null with a path: the import registers one there. */
  project: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  sessions: z.number().int().nonnegative(),
  /** Of those, already here: each stays in its project, and only what was written since is read. */
  alreadyImported: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type ImportDestination = z.infer<typeof importDestinationSchema>;
export const IMPORT_PREVIEW_DESTINATIONS_MAX = 200;
export const IMPORT_SKIPPED_EXAMPLES = 5;
export const importLocalPreviewOutput = z.object({
  dir: z.string(),
  sessions: z.number().int().nonnegative(),
  /** Of those, already here (only what was written since is read). */
  alreadyImported: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** Most sessions first; the rest are counted in `moreDestinations`. */
  destinations: z.array(importDestinationSchema).max(IMPORT_PREVIEW_DESTINATIONS_MAX),
  moreDestinations: z.number().int().nonnegative(),
  /** `.jsonl` files the import will not read (not Claude Code transcripts by name or content): their spend is not counted. */
  skippedFiles: z.number().int().nonnegative(),
  /** The first few of them. */
  skippedExamples: z.array(z.string()).max(IMPORT_SKIPPED_EXAMPLES),
});
export type ImportLocalPreview = z.infer<typeof importLocalPreviewOutput>;
/** Where Settings → Import history reads from by default: the server's Claude Code projects folder. */
export const importLocalSourceOutput = z.object({ dir: z.string() });
