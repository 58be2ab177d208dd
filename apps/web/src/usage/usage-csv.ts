import { runnerDoing, runnerTask, type Runner, type UsageRow } from "@stratavore/contracts";

type Columns<T> = [header: string, value: (row: T) => unknown][];

/** A usage report's rows in full: every token kind, dollars (estimated part apart), unpriced tokens, web searches. */
export const usageColumns = (groupHeader: string): Columns<UsageRow> => [
  [groupHeader, (r) => r.group],
  ["label", (r) => (r.label !== r.group ? r.label : "")],
  ["input_tokens", (r) => r.inputTokens],
  ["output_tokens", (r) => r.outputTokens],
  ["cache_write_5m_tokens", (r) => r.cacheWrite5mTokens],
  ["cache_write_1h_tokens", (r) => r.cacheWrite1hTokens],
  ["cache_read_tokens", (r) => r.cacheReadTokens],
  ["total_tokens", (r) => r.totalTokens],
  ["cost_usd", (r) => r.costUsd],
  ["estimated_cost_usd", (r) => r.estimatedCostUsd],
  ["unpriced_tokens", (r) => r.unpricedTokens],
  ["requests", (r) => r.requests],
  ["web_search_requests", (r) => r.webSearchRequests],
];

/** The runners list as shown, with what each is doing. */
export const runnerColumns: Columns<Runner> = [
  ["id", (r) => r.id],
  ["project", (r) => r.projectName],
  ["node", (r) => r.nodeName],
  ["status", (r) => r.status],
  ["doing", (r) => runnerDoing(r).label],
  ["doing_detail", (r) => runnerDoing(r).detail],
  ["task", (r) => runnerTask(r)],
  ["model", (r) => r.model],
  ["session", (r) => r.sessionId],
  ["cpu_percent", (r) => r.cpuPercent],
  ["memory_bytes", (r) => r.memoryBytes],
  ["restarts", (r) => r.restartAttempts],
  ["created_at", (r) => r.createdAt],
  ["started_at", (r) => r.startedAt],
  ["ended_at", (r) => r.endedAt],
  ["end_reason", (r) => r.endReason],
];
