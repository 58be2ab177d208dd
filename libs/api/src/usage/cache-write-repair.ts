import { eventOfTypeExists, raiseZeroCacheWrites, zeroSplitLines } from "@stratavore/db";
import type { TranscriptEntryInput, UsageRecordInput } from "@stratavore/contracts";
import { parseUsageLine } from "@stratavore/runner";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";

const DONE = "usage.cache_writes_repaired";

/**
 * Once, at the first start of a server with the 2026-12-02 parser: responses whose line held a
 * cache-write split of zeros beside the total (claude writes that when the API sent no split:
 * gateways, Bedrock, Vertex) were counted with no cache writes. Their archived lines are read
 * again with today's parser and the rows raised; the start-up reprice then prices them. Rows
 * with any cache writes, and spend with no archived line, are left as they are. Recorded as an
 * audit event, which is also what makes it run once.
 */
export async function repairZeroSplitCacheWrites(deps: ApiDeps): Promise<{ lines: number; changed: number } | null> {
  if (await eventOfTypeExists(deps.db, DONE)) return null;
  let after = 0n;
  let lines = 0;
  let changed = 0;
  for (;;) {
    const page = await zeroSplitLines(deps.db, after, 2000);
    const last = page.at(-1);
    if (!last) break;
    after = last.id;
    lines += page.length;
    const rows = page.flatMap((e) => {
      const parsed = parseUsageLine(e.rawLine, { sessionId: e.sessionId });
      if (parsed.kind !== "usage") return [];
      const { messageId, cacheWrite5mTokens: w5m, cacheWrite1hTokens: w1h } = parsed.record;
      return w5m + w1h > 0 ? [{ messageId, w5m, w1h }] : [];
    });
    changed += await raiseZeroCacheWrites(deps.db, rows);
  }
  await inTransaction(deps.db, deps.bus, (tx) =>
    audit(tx, deps.config.auditKey, null, { type: DONE, entityType: "ledger", data: { lines, changed } }),
  );
  return { lines, changed };
}

/** The marks `zeroSplitLines` filters on: a total beside a split of zeros. */
const ZERO_SPLIT_MARKS = [
  '"ephemeral_5m_input_tokens":0',
  '"ephemeral_1h_input_tokens":0',
  '"cache_creation_input_tokens":',
];

/**
 * The usage of archived lines that hold a zero cache-write split, as today's parser counts it:
 * an agent of a release before rule 7 shipped them with no cache writes, and its lines keep
 * arriving after the one-time repair above (agents are upgraded after their server). Sent
 * through the agent's own usage path, whose larger-line rule raises such a row and leaves a
 * row counted right as it is. Nothing for the lines of everyone else.
 */
export function usageOfZeroSplitLines(entries: readonly TranscriptEntryInput[], sessionId: string): UsageRecordInput[] {
  return entries.flatMap((e) => {
    if (e.type !== "assistant" || !ZERO_SPLIT_MARKS.every((m) => e.rawLine.includes(m))) return [];
    const parsed = parseUsageLine(e.rawLine, { sessionId });
    return parsed.kind === "usage" && parsed.record.cacheWrite5mTokens + parsed.record.cacheWrite1hTokens > 0
      ? [parsed.record]
      : [];
  });
}
