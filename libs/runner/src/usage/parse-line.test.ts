import { usageRecordSchema } from "@stratavore/contracts";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SESSION, assistantLine, userLine } from "./fixtures/lines.ts";
import { parseUsageLine, responseKey } from "./parse-line.ts";

const ctx = { sessionId: SESSION };
const PARENT = "99999999-9999-4999-8999-999999999999";

/** A line as Claude Code writes it, with one field of the assistant entry replaced. */
function withEntry(patch: (entry: Record<string, unknown>) => void): string {
  const entry = JSON.parse(assistantLine()) as Record<string, unknown>;
  patch(entry);
  return JSON.stringify(entry);
}
function withUsage(patch: (usage: Record<string, unknown>) => void): string {
  return withEntry((e) => patch((e.message as { usage: Record<string, unknown> }).usage));
}
function recordOf(line: string, c = ctx) {
  const parsed = parseUsageLine(line, c);
  if (parsed.kind !== "usage") throw new Error(`expected usage, got ${parsed.kind}`);
  return parsed.record;
}

afterEach(() => vi.restoreAllMocks());

describe("parseUsageLine", () => {
  it("reads every token type of a real assistant line into its own field", () => {
    const line =
      '{"parentUuid":"p1","isSidechain":false,"userType":"external","cwd":"/work/app","sessionId":"' +
      SESSION +
      '","version":"2.1.328","type":"assistant","uuid":"u1","requestId":"req_011","timestamp":"2026-03-01T09:00:00.123Z",' +
      '"message":{"id":"msg_011","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"hi"}],' +
      '"usage":{"input_tokens":3,"output_tokens":12,"cache_creation_input_tokens":500,"cache_read_input_tokens":1000,' +
      '"cache_creation":{"ephemeral_5m_input_tokens":400,"ephemeral_1h_input_tokens":100},' +
      '"server_tool_use":{"web_search_requests":2,"web_fetch_requests":1},"service_tier":"standard","speed":"fast"}}}';
    const record = recordOf(line);
    expect(record).toEqual({
      messageId: "msg_011",
      requestId: "req_011",
      sessionId: SESSION,
      model: "claude-sonnet-4-5-20250929",
      serviceTier: "standard",
      speed: "fast",
      inputTokens: 3,
      outputTokens: 12,
      // cache_creation splits the 500 written tokens by TTL: 400 for 5 minutes, 100 for 1 hour.
      cacheWrite5mTokens: 400,
      cacheWrite1hTokens: 100,
      cacheReadTokens: 1000,
      webSearchRequests: 2,
      webFetchRequests: 1,
      isSidechain: false,
      occurredAt: "2026-03-01T09:00:00.123Z",
      // The session the line names: a copy in a resumed session's file names the first one.
      lineSessionId: SESSION,
    });
    expect(usageRecordSchema.safeParse(record).success).toBe(true);
    // A copy of it in another session's file keeps the session it names; a line naming none, or an odd value, claims none.
    expect(recordOf(line, { ...ctx, sessionId: "other-session" })).toMatchObject({
      sessionId: "other-session",
      lineSessionId: SESSION,
    });
    expect(recordOf(line.replace(`"sessionId":"${SESSION}",`, ""))?.lineSessionId).toBeNull();
    expect(recordOf(line.replace(`"sessionId":"${SESSION}"`, '"sessionId":42'))?.lineSessionId).toBeNull();
  });

  it("falls back to cache_creation_input_tokens as 5-minute writes when the TTL split is absent", () => {
    const noSplit = recordOf(withUsage((u) => delete u.cache_creation));
    expect([noSplit.cacheWrite5mTokens, noSplit.cacheWrite1hTokens]).toEqual([500, 0]);
    // An empty split says nothing either: the total still counts.
    const emptySplit = recordOf(withUsage((u) => (u.cache_creation = {})));
    expect([emptySplit.cacheWrite5mTokens, emptySplit.cacheWrite1hTokens]).toEqual([500, 0]);
    // Old lines without any cache fields at all.
    const bare = recordOf(
      withUsage(
        (u) => (delete u.cache_creation, delete u.cache_creation_input_tokens, delete u.cache_read_input_tokens),
      ),
    );
    expect([bare.cacheWrite5mTokens, bare.cacheWrite1hTokens, bare.cacheReadTokens]).toEqual([0, 0, 0]);
  });

  it("trusts the split over the total when both are present (a 1-hour write is not a 5-minute one)", () => {
    const r = recordOf(
      withUsage(
        (u) => (
          (u.cache_creation_input_tokens = 3000),
          (u.cache_creation = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 3000 })
        ),
      ),
    );
    expect([r.cacheWrite5mTokens, r.cacheWrite1hTokens]).toEqual([0, 3000]);
  });

  it("counts the total's writes when the split is zeros or short of it (claude writes zeros when the API sent no split)", () => {
    const cache = (total: number | undefined, split: Record<string, number> | undefined) => {
      const r = recordOf(
        withUsage((u) => {
          if (total === undefined) delete u.cache_creation_input_tokens;
          else u.cache_creation_input_tokens = total;
          if (split === undefined) delete u.cache_creation;
          else u.cache_creation = split;
        }),
      );
      return [r.cacheWrite5mTokens, r.cacheWrite1hTokens];
    };
    // As claude 2.1.328 wrote it behind an API that answered the total alone.
    expect(cache(2003, { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 })).toEqual([2003, 0]);
    expect(cache(2003, {})).toEqual([2003, 0]);
    // A split naming only part of the total: the 1-hour share as said, the rest 5-minute.
    expect(cache(3000, { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1000 })).toEqual([2000, 1000]);
    expect(cache(3000, { ephemeral_1h_input_tokens: 1000 })).toEqual([2000, 1000]);
    // Exact splits, a split without a total, and one larger than its total are kept as written.
    expect(cache(3000, { ephemeral_5m_input_tokens: 2500, ephemeral_1h_input_tokens: 500 })).toEqual([2500, 500]);
    expect(cache(undefined, { ephemeral_5m_input_tokens: 40, ephemeral_1h_input_tokens: 60 })).toEqual([40, 60]);
    expect(cache(100, { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 0 })).toEqual([300, 0]);
    expect(cache(undefined, undefined)).toEqual([0, 0]);
  });

  it("keys by message id whatever the request id; the request id only where the message id is missing", () => {
    expect(responseKey("msg_a", "req_b")).toBe("msg_a");
    expect(responseKey(null, "req_b")).toBe("request:req_b");
    expect(responseKey(null, null)).toBeNull();
    const missing = recordOf(assistantLine({ id: "msg_x", requestId: null }));
    expect([missing.messageId, missing.requestId]).toEqual(["msg_x", null]);
    const empty = recordOf(withEntry((e) => (e.requestId = "")));
    expect([empty.messageId, empty.requestId]).toEqual(["msg_1", null]);
    const noId = recordOf(withEntry((e) => delete (e.message as Record<string, unknown>).id));
    expect([noId.messageId, noId.requestId]).toEqual(["request:req_1", "req_1"]);
    // An empty message id names nothing either (it was dropped as malformed: the accounting review).
    const emptyId = recordOf(withEntry((e) => ((e.message as Record<string, unknown>).id = "")));
    expect([emptyId.messageId, emptyId.requestId]).toEqual(["request:req_1", "req_1"]);
    expect(
      parseUsageLine(
        JSON.stringify({
          type: "assistant",
          timestamp: "2026-03-01T09:00:00Z",
          message: { model: "m", usage: { input_tokens: 1, output_tokens: 1 } },
        }),
        { sessionId: SESSION },
      ),
    ).toEqual({ kind: "skip" });
  });

  it("attributes the record to the context's session, not the line's (sub-agent spend rolls up)", () => {
    const r = recordOf(assistantLine({ sidechain: true }), { sessionId: PARENT });
    expect(r.sessionId).toBe(PARENT);
    expect(r.isSidechain).toBe(true);
  });

  it("keeps unknown models and optional fields as they are", () => {
    const r = recordOf(
      withUsage((u) => ((u.service_tier = null), delete u.speed)),
      ctx,
    );
    expect([r.serviceTier, r.speed]).toEqual([null, null]);
    expect(recordOf(assistantLine({ model: "claude-mystery-9" })).model).toBe("claude-mystery-9");
  });

  it("skips other entry types, synthetic messages and entries without any id or usage", () => {
    const skipped = [
      "",
      "   ",
      userLine("hello"),
      '{"type":"summary","summary":"x","leafUuid":"u"}',
      '{"type":"cost-state","totalCostUSD":1.5}',
      '{"type":"queue-operation","operation":"enqueue"}',
      '{"type":"api-request","requestId":"req_1"}',
      // A user entry quoting an assistant message: the mark is there, the entry is not one.
      userLine("see", {
        toolUseResult: {
          messages: [{ type: "assistant", message: { id: "m", usage: { input_tokens: 9, output_tokens: 9 } } }],
        },
      }),
      assistantLine({ model: "<synthetic>" }),
      withEntry((e) => delete e.message),
      withEntry((e) => (e.message = null)),
      withEntry((e) => (delete (e.message as Record<string, unknown>).id, delete e.requestId)),
      withEntry((e) => delete (e.message as Record<string, unknown>).usage),
    ];
    for (const line of skipped) expect(parseUsageLine(line, ctx), line).toEqual({ kind: "skip" });
    expect(userLine("see", { toolUseResult: { messages: [{ type: "assistant" }] } })).toContain('"type":"assistant"');
  });

  it("never parses lines of other types (the cheap check runs first)", () => {
    const parse = vi.spyOn(JSON, "parse");
    const line = userLine("x".repeat(70_000));
    for (let i = 0; i < 200; i++) expect(parseUsageLine(line, ctx).kind).toBe("skip");
    // Braces around garbage of another type: still not parsed, so still a skip.
    expect(parseUsageLine('{"type":"user", this is not json}', ctx).kind).toBe("skip");
    expect(parse).not.toHaveBeenCalled();
  });

  it("calls broken lines and wrongly typed assistant fields malformed, without throwing", () => {
    const malformed = [
      "not json at all",
      '["type","assistant"]',
      assistantLine().slice(0, 120), // cut mid-write
      '{"type":"assistant","message":{"id":"m1",}}', // invalid JSON behind the mark
      withUsage((u) => (u.output_tokens = "12")),
      withUsage((u) => (u.input_tokens = -5)),
      withUsage((u) => (u.input_tokens = 1.5)),
      withUsage((u) => delete u.output_tokens),
      withUsage((u) => (u.cache_read_input_tokens = "many")),
      withUsage((u) => (u.cache_creation = [400, 100])),
      withUsage((u) => (u.cache_creation = { ephemeral_5m_input_tokens: 400, ephemeral_1h_input_tokens: "100" })),
      withUsage((u) => (u.server_tool_use = { web_search_requests: true })),
      withUsage((u) => (u.service_tier = 7)),
      withEntry((e) => ((e.message as Record<string, unknown>).usage = "n/a")),
      withEntry((e) => (e.message = "msg_1")),
      withEntry((e) => ((e.message as Record<string, unknown>).id = 42)),
      withEntry((e) => delete (e.message as Record<string, unknown>).model),
      withEntry((e) => (e.isSidechain = "yes")),
      withEntry((e) => (e.requestId = 17)),
      withEntry((e) => delete e.timestamp),
      withEntry((e) => (e.timestamp = "yesterday")),
      // Longer than the ledger accepts (200): rejected here, not by the upload.
      assistantLine({ id: `msg_${"x".repeat(300)}` }),
    ];
    for (const line of malformed) expect(parseUsageLine(line, ctx), line.slice(0, 200)).toEqual({ kind: "malformed" });
  });
});
