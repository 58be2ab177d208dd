import type { ServerResponse } from "node:http";
import type { TextBlock, ToolUseBlock, Usage } from "./anthropic-stub-types.ts";

/** How the Anthropic stub (anthropic-stub.ts) writes its answers on the wire. */

const sse = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export type OutBlock = TextBlock | ToolUseBlock;

/** Usage as sent: the split may be left out (`Reply.withoutSplit`). */
export type SentUsage = Omit<Usage, "cache_creation"> & { cache_creation?: Usage["cache_creation"] };

export function withoutSplit(usage: Usage): SentUsage {
  const { cache_creation: _split, ...rest } = usage;
  return rest;
}

/**
 * One Messages API answer, as JSON or as the SSE stream the real API sends. `everyMs` > 0:
 * streamed text goes one word per `everyMs`, as a slow API streams it.
 */
export async function sendMessage(
  res: ServerResponse,
  n: number,
  id: string,
  model: string,
  blocks: OutBlock[],
  usage: SentUsage,
  stream: boolean,
  everyMs = 0,
): Promise<void> {
  const stop_reason = blocks.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn";
  const requestId = { "request-id": `req_stub_${n}` };
  if (!stream) {
    res.writeHead(200, { ...requestId, "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id,
        type: "message",
        role: "assistant",
        model,
        content: blocks,
        stop_reason,
        stop_sequence: null,
        usage,
      }),
    );
    return;
  }
  res.writeHead(200, { ...requestId, "content-type": "text/event-stream", "cache-control": "no-cache" });
  // As the real API: input side and a placeholder output count first, final output count last.
  res.write(
    sse("message_start", {
      type: "message_start",
      message: {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
  );
  for (const [index, b] of blocks.entries()) {
    const start = b.type === "text" ? { type: "text", text: "" } : { ...b, input: {} };
    const deltas =
      b.type === "text"
        ? (everyMs ? b.text.split(/(?<= )/) : [b.text]).map((text) => ({ type: "text_delta", text }))
        : [{ type: "input_json_delta", partial_json: JSON.stringify(b.input) }];
    res.write(sse("content_block_start", { type: "content_block_start", index, content_block: start }));
    for (const delta of deltas) {
      if (everyMs) await new Promise((resolve) => setTimeout(resolve, everyMs));
      res.write(sse("content_block_delta", { type: "content_block_delta", index, delta }));
    }
    res.write(sse("content_block_stop", { type: "content_block_stop", index }));
  }
  res.write(
    sse("message_delta", {
      type: "message_delta",
      delta: { stop_reason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
  );
  res.write(sse("message_stop", { type: "message_stop" }));
  res.end();
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
