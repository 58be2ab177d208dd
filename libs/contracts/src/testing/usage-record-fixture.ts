import type { UsageRecordInput } from "../schemas/usage.ts";

/** One API response's usage as an agent or an import sends it: 10 in, 40 out, 5 read, sonnet 4.5; `over` changes any field. */
export function usageRecordFixture(
  over: Partial<UsageRecordInput> & Pick<UsageRecordInput, "messageId" | "sessionId">,
): UsageRecordInput {
  return {
    requestId: `req_${over.messageId}`,
    model: "claude-sonnet-4-5",
    serviceTier: null,
    speed: null,
    inputTokens: 10,
    outputTokens: 40,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 5,
    webSearchRequests: 0,
    webFetchRequests: 0,
    isSidechain: false,
    occurredAt: new Date().toISOString(),
    ...over,
  };
}
