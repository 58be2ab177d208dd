import { randomUUID } from "node:crypto";
import type { UsageRecordInput } from "@stratavore/contracts";

/** One API response's usage as an agent or an import sends it: `tokens` of input, nothing else. */
export const usageRecord = (messageId: string, sessionId: string, tokens: number): UsageRecordInput => ({
  messageId,
  requestId: `req_${randomUUID()}`,
  sessionId,
  model: "claude-sonnet-4-5-20250929",
  serviceTier: "standard",
  speed: null,
  inputTokens: tokens,
  outputTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  cacheReadTokens: 0,
  webSearchRequests: 0,
  webFetchRequests: 0,
  isSidechain: false,
  occurredAt: new Date().toISOString(),
});
