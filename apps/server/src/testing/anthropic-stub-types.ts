/** The shapes the Messages API stub speaks: requests as scripts see them, replies, usage, billing. */

export interface AnthropicStub {
  url: string;
  /** Every POST /v1/messages body received, parsed. */
  requests: Array<{ model?: string; stream?: boolean; messages?: unknown[] }>;
  close(): Promise<void>;
}

export interface TextBlock {
  type: "text";
  text: string;
}
export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
}
/**
 * A Bash result as claude sends it: exit 0 → `content` is the output as a string,
 * `is_error: false`; exit 3 → `"Exit code 3\n<stdout>\n<stderr>"`, `is_error: true`. The Agent
 * tool's result is an array of text blocks.
 */
export interface ToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content?: string | TextBlock[];
  is_error?: boolean;
}
export type ContentBlock = TextBlock | ToolUseBlock | ToolResultBlock | { type: string };
/** `role` is also "system": claude puts environment and agent-list messages in `messages`. */
export interface RequestMessage {
  role: string;
  content: string | ContentBlock[];
}
export interface RequestTool {
  name: string;
  description?: string;
  input_schema?: unknown;
}

export interface MessagesRequestBody {
  model?: string;
  stream?: boolean;
  max_tokens?: number;
  system?: string | TextBlock[];
  messages?: RequestMessage[];
  tools?: RequestTool[];
}

/**
 * - "main": a turn of the main thread; its response lands in `<session>.jsonl`.
 * - "subagent": a turn of a sub-agent started by the Agent tool (any depth); its response lands
 *   in `<session>/subagents/agent-<id>.jsonl`.
 * - "side": a request without tools, the shape of a title or summary call. claude would write
 *   such a response to no transcript, so `inTranscript` is false. Not seen from 2.1.328 yet.
 *
 * Telling them apart (2.1.328): the first system block is `x-anthropic-billing-header:
 * cc_version=…; cc_entrypoint=…;` and a sub-agent's ends with `cc_is_subagent=true;`. A
 * sub-agent's system prompt also has "You are an agent for Claude Code, Anthropic's official
 * CLI for Claude.", and its first user message is the Agent call's `prompt` (after a
 * <system-reminder> block). Neither the tools nor the session-id header tell: sub-agents get
 * the Agent tool too (a third level does not), and all threads send the same session id.
 */
export type RequestKind = "main" | "subagent" | "side";

/** A parsed request as a script sees it. */
export interface StubRequest {
  model: string;
  stream: boolean;
  /** All system blocks joined by "\n". */
  system: string;
  messages: RequestMessage[];
  tools: RequestTool[];
  /** The `x-claude-code-session-id` header. */
  sessionId: string | undefined;
  kind: RequestKind;
  /** Assistant messages already in the conversation: 0 for a thread's first request. */
  turn: number;
  raw: MessagesRequestBody;
}

// ---- Replies ----

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}
export interface Reply {
  /** A text block (before the tool_use when both are given). */
  text?: string;
  /** One tool_use block; `stop_reason` becomes "tool_use". */
  tool?: ToolCall;
  /** Overrides fields of the stub's usage for this response. */
  usage?: Partial<Usage>;
  /**
   * Send `cache_creation_input_tokens` alone, without the `cache_creation` split, as gateways,
   * Bedrock, Vertex and older APIs answer; billed as 5-minute writes (the API's default TTL).
   */
  withoutSplit?: boolean;
  /** Wait this long before answering at all (an API call that hangs). */
  hangMs?: number;
  /** Stream a text reply one word at a time, this many ms apart (a slow stream). */
  streamEveryMs?: number;
  /** Answer with this API error instead (429 rate_limit_error, 529 overloaded_error…): nothing billed. */
  error?: { status: number; type: string; message: string };
}
export type Script = (req: StubRequest) => Reply | Promise<Reply>;

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** cache_creation_input_tokens split by TTL; the two add up to it. */
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

export interface BillingEntry {
  /** Unique per response; claude writes it as `message.id` on each of the response's lines. */
  id: string;
  model: string;
  usage: Usage;
  kind: RequestKind;
  subagent: boolean;
  /** False for "side" calls: billed, but in no transcript. */
  inTranscript: boolean;
  stream: boolean;
  reply: { text?: string; tool?: string };
  request: {
    sessionId?: string;
    messages: number;
    turn: number;
    tools: string[];
    lastUserText: string;
    lastToolResult?: { text: string; is_error: boolean };
  };
}

export interface ScriptedStub extends AnthropicStub {
  /** Every /v1/messages response sent, in order. */
  billing: BillingEntry[];
  /** Parsed /v1/messages requests, in arrival order. */
  calls: StubRequest[];
  /** Script failures; the request got a 400, which claude does not retry (it retries 5xx). */
  errors: Error[];
  /** Requests to anything else (count_tokens, HEAD /api/hello, …): answered, never billed. */
  others: Array<{ method: string; path: string }>;
}

export interface ScriptedStubOptions {
  /** Usage of the n-th response (1-based). Default: `defaultUsage`. */
  usage?: (n: number, req: StubRequest) => Usage;
}
