import type { Reply, RequestMessage, Script, StubRequest, TextBlock, ToolResultBlock } from "./anthropic-stub-types.ts";

/** Building blocks for stub scripts: replies, and what a request says so far. */

export const text = (t: string): Reply => ({ text: t });

/** The API refusing: claude retries with backoff, writing a notice to its transcript each time. */
export const rateLimited = (): Reply => ({
  error: {
    status: 429,
    type: "rate_limit_error",
    message: "Number of request tokens has exceeded your per-minute rate limit",
  },
});

/** Claude refuses a bare `sleep N`: long work goes in a script (`sh /path/loop.sh`). */
export const bash = (command: string, description = "Run the test script"): Reply => ({
  tool: { name: "Bash", input: { command, description } },
});

/**
 * Starts a sub-agent. The tool is "Agent" in 2.1.328 ("Task" in older builds); the stub sends
 * whichever of the two the request's `tools` offers. With `run_in_background: false` (the
 * default here) `claude -p` waits and returns the sub-agent's report as the tool_result
 * ("[Subagent hand-back] …"). Without it in -p, and even with it in interactive mode, claude
 * backgrounds the agent: the tool_result is "Async agent launched successfully…", and the
 * report comes later as a <task-notification> user message that opens another main turn.
 */
export const agent = (
  prompt: string,
  opts: { description?: string; subagentType?: string; background?: boolean } = {},
): Reply => ({
  tool: {
    name: "Agent",
    input: {
      description: opts.description ?? "Run a sub task",
      prompt,
      subagent_type: opts.subagentType ?? "general-purpose",
      run_in_background: opts.background ?? false,
    },
  },
});

/** Plain text of a message's or tool_result's content. */
export function contentText(content: RequestMessage["content"] | ToolResultBlock["content"]): string {
  if (content === undefined) return "";
  if (typeof content === "string") return content;
  return content.map((b) => (b.type === "text" ? (b as TextBlock).text : "")).join("");
}

const lastUser = (req: Pick<StubRequest, "messages">) => [...req.messages].reverse().find((m) => m.role === "user");

/** The tool_result in the last user message (system messages after it are skipped), if any. */
export function lastToolResult(req: Pick<StubRequest, "messages">): { text: string; is_error: boolean } | undefined {
  const last = lastUser(req);
  if (!last || typeof last.content === "string") return undefined;
  const block = last.content.find((b): b is ToolResultBlock => b.type === "tool_result");
  return block ? { text: contentText(block.content), is_error: block.is_error === true } : undefined;
}

/** Text of the last user message, including the <system-reminder> blocks claude adds. */
export const lastUserText = (req: Pick<StubRequest, "messages">): string => contentText(lastUser(req)?.content);

/** `first` until a tool_result comes back, then `then`: e.g. afterToolResult(bash("sh x.sh"), text("done")). */
export const afterToolResult =
  (first: Reply, then: Reply): Script =>
  (req) =>
    lastToolResult(req) ? then : first;

/** The thread's n-th reply (n = `turn`), the last one repeated; each thread counts its own turns. */
export const steps =
  (replies: Reply[]): Script =>
  (req) =>
    replies[Math.min(req.turn, replies.length - 1)] ?? text("done");

/** Separate scripts for main-thread, sub-agent and side requests (default: text "ok"). */
export const byKind =
  (scripts: { main: Script; subagent?: Script; side?: Script }): Script =>
  (req) =>
    (req.kind === "subagent" ? scripts.subagent : req.kind === "side" ? scripts.side : scripts.main)?.(req) ??
    text("ok");
