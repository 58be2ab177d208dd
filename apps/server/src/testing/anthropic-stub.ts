import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  AnthropicStub,
  BillingEntry,
  MessagesRequestBody,
  RequestKind,
  RequestTool,
  Script,
  ScriptedStub,
  ScriptedStubOptions,
  StubRequest,
  Usage,
} from "./anthropic-stub-types.ts";
import { sendJson, sendMessage, withoutSplit, type OutBlock, type SentUsage } from "./anthropic-stub-wire.ts";
import { lastToolResult, lastUserText, text } from "./stub-script.ts";

/**
 * A local stand-in for the Anthropic Messages API (`ANTHROPIC_BASE_URL`) for the real `claude`
 * binary. Two entry points:
 *  - `startAnthropicStub(reply)`: every request gets the same text answer and a fixed usage.
 *  - `startScriptedStub(script)`: a script picks each reply (text, Bash or Agent tool_use) from
 *    the parsed request; every response gets its own usage, and `billing` logs what was sent so
 *    tests can compare the product's token ledger with it exactly.
 *
 * What claude 2.1.328 does with a response (seen with the real binary, -p and interactive):
 *  - One transcript line per content block (text + tool_use = two lines), each with the
 *    response's `message.id` and the same final `message.usage`: count a response once per id.
 *  - `message.usage` = input/cache counts and `cache_creation` split from `message_start`, and
 *    `output_tokens` from `message_delta` (replacing message_start's placeholder, not added).
 *    Non-zero input/cache counts in `message_delta` would replace message_start's; this stub
 *    sends only `output_tokens` there, so the transcript equals the billed usage.
 *  - With the test env (CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1) it sent only conversation
 *    turns: no title, haiku or count_tokens calls. Without that variable it also sent
 *    `HEAD /api/hello` (logged in `others`).
 */

export * from "./anthropic-stub-types.ts";
export * from "./stub-script.ts";

const AGENT_TOOLS = ["Agent", "Task"];

function classify(system: string, tools: RequestTool[]): RequestKind {
  if (tools.length === 0) return "side";
  return /cc_is_subagent=true|^You are an agent for Claude Code/m.test(system) ? "subagent" : "main";
}

function parseRequest(body: MessagesRequestBody, headers: IncomingHttpHeaders): StubRequest {
  const system = typeof body.system === "string" ? body.system : (body.system ?? []).map((b) => b.text).join("\n");
  const messages = body.messages ?? [];
  const tools = body.tools ?? [];
  const session = headers["x-claude-code-session-id"];
  return {
    model: body.model ?? "claude-sonnet-4-5",
    stream: body.stream === true,
    system,
    messages,
    tools,
    sessionId: typeof session === "string" ? session : undefined,
    kind: classify(system, tools),
    turn: messages.filter((m) => m.role === "assistant").length,
    raw: body,
  };
}

/** Different per response and per field, so a swapped, dropped or summed field shows. */
export function defaultUsage(n: number): Usage {
  const m5 = 1000 + 10 * n;
  const h1 = 500 + n;
  return {
    input_tokens: 100 + n,
    output_tokens: 20 + n,
    cache_creation_input_tokens: m5 + h1,
    cache_read_input_tokens: 3000 + 7 * n,
    cache_creation: { ephemeral_5m_input_tokens: m5, ephemeral_1h_input_tokens: h1 },
  };
}

function mergeUsage(base: Usage, over: Partial<Usage> | undefined): Usage {
  const u = { ...base, ...over, cache_creation: { ...base.cache_creation, ...over?.cache_creation } };
  // Keep the total consistent with an overridden split.
  if (over?.cache_creation && over.cache_creation_input_tokens === undefined) {
    u.cache_creation_input_tokens =
      u.cache_creation.ephemeral_5m_input_tokens + u.cache_creation.ephemeral_1h_input_tokens;
  }
  return u;
}

/** Serves POST /v1/messages (streaming or not) from `script`; count_tokens is free, not billed. */
export async function startScriptedStub(script: Script, options: ScriptedStubOptions = {}): Promise<ScriptedStub> {
  const usageFor = options.usage ?? defaultUsage;
  const requests: AnthropicStub["requests"] = [];
  const calls: StubRequest[] = [];
  const billing: BillingEntry[] = [];
  const errors: Error[] = [];
  const others: ScriptedStub["others"] = [];
  // Unique across stubs and runs too, so ids from two tests never collide in one ledger.
  const prefix = `msg_stub_${process.pid}_${Date.now().toString(36)}_`;
  let n = 0;

  const handle = async (
    method: string,
    path: string,
    raw: string,
    headers: IncomingHttpHeaders,
    res: ServerResponse,
  ): Promise<void> => {
    if (method !== "POST" || !path.startsWith("/v1/messages") || path.includes("count_tokens")) {
      others.push({ method, path });
      if (path.includes("count_tokens")) return sendJson(res, 200, { input_tokens: 10 });
      return sendJson(res, 404, { type: "error", error: { type: "not_found_error", message: "stub" } });
    }
    const body = JSON.parse(raw || "{}") as MessagesRequestBody;
    requests.push(body);
    const req = parseRequest(body, headers);
    calls.push(req);
    const reply = await script(req);
    if (reply.hangMs) await new Promise((resolve) => setTimeout(resolve, reply.hangMs));
    if (reply.error) {
      res.setHeader("retry-after", "0");
      return sendJson(res, reply.error.status, {
        type: "error",
        error: { type: reply.error.type, message: reply.error.message },
      });
    }
    const seq = ++n;
    const id = `${prefix}${seq}`;
    const blocks: OutBlock[] = [];
    if (reply.text !== undefined || !reply.tool) blocks.push({ type: "text", text: reply.text ?? "" });
    let toolName: string | undefined;
    if (reply.tool) {
      // "Agent" and "Task" are one tool under two names: send the one this claude offers.
      const offered = req.tools.map((t) => t.name);
      toolName = reply.tool.name;
      if (AGENT_TOOLS.includes(toolName) && !offered.includes(toolName))
        toolName = AGENT_TOOLS.find((a) => offered.includes(a)) ?? toolName;
      blocks.push({ type: "tool_use", id: `toolu_stub_${seq}`, name: toolName, input: reply.tool.input });
    }
    const merged = mergeUsage(usageFor(seq, req), reply.usage);
    const usage: Usage = reply.withoutSplit
      ? {
          ...merged,
          cache_creation: {
            ephemeral_5m_input_tokens: merged.cache_creation_input_tokens,
            ephemeral_1h_input_tokens: 0,
          },
        }
      : merged;
    billing.push({
      id,
      model: req.model,
      usage,
      kind: req.kind,
      subagent: req.kind === "subagent",
      inTranscript: req.kind !== "side",
      stream: req.stream,
      reply: { text: reply.text, tool: toolName },
      request: {
        sessionId: req.sessionId,
        messages: req.messages.length,
        turn: req.turn,
        tools: req.tools.map((t) => t.name),
        lastUserText: lastUserText(req).slice(-200),
        lastToolResult: lastToolResult(req),
      },
    });
    // A slow stream is for a text answer; one that calls a tool goes at once.
    const everyMs = reply.tool || !reply.text ? 0 : (reply.streamEveryMs ?? 0);
    const sent: SentUsage = reply.withoutSplit ? withoutSplit(usage) : usage;
    await sendMessage(res, seq, id, req.model, blocks, sent, req.stream, everyMs);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req.method ?? "", req.url ?? "", Buffer.concat(chunks).toString("utf8"), req.headers, res).catch(
        (e: unknown) => {
          errors.push(e instanceof Error ? e : new Error(String(e)));
          // 400, not 500: claude retries 5xx with backoff for minutes.
          if (!res.headersSent)
            sendJson(res, 400, {
              type: "error",
              error: { type: "invalid_request_error", message: `stub: ${String(e)}` },
            });
          else res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls,
    billing,
    errors,
    others,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // claude's keep-alive sockets would hold close() open
      }),
  };
}

/** Every request gets `reply` as text, with 12 input and 7 output tokens and no cache. */
export async function startAnthropicStub(reply: string): Promise<AnthropicStub> {
  const fixed: Usage = {
    input_tokens: 12,
    output_tokens: 7,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
  };
  const stub = await startScriptedStub(() => text(reply), { usage: () => fixed });
  return { url: stub.url, requests: stub.requests, close: stub.close };
}
