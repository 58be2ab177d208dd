/**
 * Record builders shaped like Claude Code 2.1.x transcript lines (key order as claude writes
 * them, compact JSON via JSON.stringify). Builders return plain objects so the generator can
 * clone a line for a sidechain replay; they never decide anything hostile themselves.
 */
export const CLAUDE_VERSION = "2.1.328";

export type Rec = Record<string, unknown>;

export interface Usage {
  input: number;
  output: number;
  cw5m: number;
  cw1h: number;
  cacheRead: number;
}

export interface LineCtx {
  sessionId: string;
  cwd: string;
  isSidechain: boolean;
  agentId?: string;
}

export const usageTotal = (u: Usage) => u.input + u.output + u.cw5m + u.cw1h + u.cacheRead;

/** `legacy` omits `cache_creation` (older claude versions), so 1h writes cannot be expressed. */
export function usageJson(u: Usage, legacy: boolean, webSearches: number): Rec {
  const base: Rec = {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cw5m + u.cw1h,
    cache_read_input_tokens: u.cacheRead,
  };
  if (!legacy) base.cache_creation = { ephemeral_5m_input_tokens: u.cw5m, ephemeral_1h_input_tokens: u.cw1h };
  base.output_tokens = u.output;
  if (webSearches > 0) base.server_tool_use = { web_search_requests: webSearches, web_fetch_requests: 0 };
  base.service_tier = "standard";
  return base;
}

function envelope(ctx: LineCtx, parentUuid: string | null): Rec {
  const env: Rec = {
    parentUuid,
    isSidechain: ctx.isSidechain,
    userType: "external",
    cwd: ctx.cwd,
    sessionId: ctx.sessionId,
    version: CLAUDE_VERSION,
    gitBranch: "main",
  };
  if (ctx.agentId) env.agentId = ctx.agentId;
  return env;
}

export function userPrompt(ctx: LineCtx, parentUuid: string | null, uuid: string, ts: string, text: string): Rec {
  return { ...envelope(ctx, parentUuid), type: "user", message: { role: "user", content: text }, uuid, timestamp: ts };
}

/** Claude stores a tool's output twice: in the API message and in `toolUseResult`. */
export function toolResult(
  ctx: LineCtx,
  parentUuid: string | null,
  uuid: string,
  ts: string,
  toolUseId: string,
  output: string,
  toolUseResult: Rec,
): Rec {
  return {
    ...envelope(ctx, parentUuid),
    type: "user",
    message: {
      role: "user",
      content: [{ tool_use_id: toolUseId, type: "tool_result", content: output, is_error: false }],
    },
    uuid,
    timestamp: ts,
    toolUseResult,
  };
}

export interface AssistantParts {
  id: string;
  requestId: string;
  model: string;
  block: Rec;
  usage: Rec;
  stopReason: string | null;
}

export function assistant(ctx: LineCtx, parentUuid: string | null, uuid: string, ts: string, p: AssistantParts): Rec {
  const message = {
    id: p.id,
    type: "message",
    role: "assistant",
    model: p.model,
    content: [p.block],
    stop_reason: p.stopReason,
    stop_sequence: null,
    usage: p.usage,
  };
  return { ...envelope(ctx, parentUuid), type: "assistant", message, requestId: p.requestId, uuid, timestamp: ts };
}

/** What claude writes after an API error: no spend, model `<synthetic>`, zero usage. */
export function syntheticError(ctx: LineCtx, parentUuid: string | null, uuid: string, ts: string, id: string): Rec {
  const usage = usageJson({ input: 0, output: 0, cw5m: 0, cw1h: 0, cacheRead: 0 }, false, 0);
  const message = {
    id,
    container: null,
    model: "<synthetic>",
    role: "assistant",
    stop_reason: "stop_sequence",
    stop_sequence: "",
    type: "message",
    usage,
    content: [
      {
        type: "text",
        text: 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      },
    ],
  };
  return { ...envelope(ctx, parentUuid), type: "assistant", message, isApiErrorMessage: true, uuid, timestamp: ts };
}

export function attachment(
  ctx: LineCtx,
  parentUuid: string | null,
  uuid: string,
  ts: string,
  filePath: string,
  content: string,
): Rec {
  const lines = content.split("\n").length;
  const file = { filePath, content, numLines: lines, startLine: 1, totalLines: lines };
  return {
    ...envelope(ctx, parentUuid),
    type: "attachment",
    attachment: { type: "file", filename: filePath, content: { type: "text", file } },
    uuid,
    timestamp: ts,
  };
}

export function fileHistorySnapshot(messageId: string, ts: string, paths: string[]): Rec {
  const trackedFileBackups: Rec = {};
  paths.forEach(
    (p, i) =>
      (trackedFileBackups[p] = {
        backupFileName: `${messageId.slice(0, 16)}@v${i + 1}`,
        version: i + 1,
        backupTime: ts,
      }),
  );
  return {
    type: "file-history-snapshot",
    messageId,
    snapshot: { messageId, trackedFileBackups, timestamp: ts },
    isSnapshotUpdate: false,
  };
}

export function costState(sessionId: string, ts: string, costUSD: number, uuid: string): Rec {
  return { type: "cost-state", sessionId, costUSD: Math.round(costUSD * 1e6) / 1e6, timestamp: ts, uuid };
}

export function queueOperation(sessionId: string, ts: string, operation: "enqueue" | "dequeue", content?: string): Rec {
  return content === undefined
    ? { type: "queue-operation", operation, timestamp: ts, sessionId }
    : { type: "queue-operation", operation, timestamp: ts, sessionId, content };
}

export function summary(text: string, leafUuid: string | null): Rec {
  return { type: "summary", summary: text, leafUuid };
}
