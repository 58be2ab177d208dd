/**
 * What a generated corpus contains. `expected` is the ground truth by construction (each
 * genuine API response counted once with its final usage), so a parser can be checked against
 * it as well as against the reference counter and ccusage.
 */
import type { Usage } from "./transcript-lines.ts";

export interface TokenTotals {
  responses: number;
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  total: number;
}

export interface CorpusManifest {
  seed: number;
  targetBytes: number;
  totalBytes: number;
  totalLines: number;
  /** Paths relative to the corpus dir (the CLAUDE_CONFIG_DIR), in write order. */
  files: string[];
  sessionFiles: number;
  subagentFiles: number;
  firstTimestamp: string;
  lastTimestamp: string;
  /** Lines the generator wrote as each case. A resume or fork that repeats such a line counts it
   * under the resumeRepeated and forkRepeated counts only, so on-disk totals can be higher. */
  cases: {
    /** (a) responses written as 2–4 lines sharing message.id, and the extra lines. */
    streamingResponses: number;
    streamingExtraLines: number;
    /** (a) an early snapshot with a larger cache_read but smaller total: per-field max over-counts. */
    nonMonotonicSnapshots: number;
    /** (b) sessions resumed into the same file, and the earlier lines they repeat. */
    resumedSessions: number;
    resumeRepeatedLines: number;
    resumeRepeatedAssistantLines: number;
    /** (c) fork files repeating their parent's lines (same message ids). */
    forkedSessions: number;
    forkRepeatedAssistantLines: number;
    /** (d) isSidechain:true copies of a main-thread message id with a new requestId. */
    sidechainReplays: number;
    sidechainReplaysInSubagentFiles: number;
    /** Replays copying a non-final snapshot: smaller, and after the largest line ("last wins" is wrong). */
    sidechainReplaysOfEarlierSnapshot: number;
    /** (e) genuine sub-agent responses (own message ids), counted under the parent session. */
    subagentResponses: number;
    /** (f) responses with 1-hour cache writes; responses written without `usage.cache_creation`. */
    oneHourCacheResponses: number;
    legacyUsageResponses: number;
    /** (g) responses from models no price table knows. */
    unknownModelResponses: number;
    /** (h) `<synthetic>` assistant lines. */
    syntheticLines: number;
    /** (i) lines that must be skipped. */
    malformed: { notJson: number; zeroFilled: number; blank: number; truncatedTail: number; wrongTypes: number };
    /** User lines whose toolUseResult carries a usage-shaped object (agent results): not spend. */
    toolResultUsageDecoys: number;
  };
  /** (j) requests whose input side (input + cache writes + cache read) exceeds 200,000 tokens. */
  longContextMessageIds: string[];
  expected: TokenTotals & { byModel: Record<string, TokenTotals> };
}

export const emptyTotals = (): TokenTotals => ({
  responses: 0,
  input: 0,
  output: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  cacheRead: 0,
  total: 0,
});

export function addUsage(t: TokenTotals, u: Usage): void {
  t.responses += 1;
  t.input += u.input;
  t.output += u.output;
  t.cacheWrite5m += u.cw5m;
  t.cacheWrite1h += u.cw1h;
  t.cacheRead += u.cacheRead;
  t.total += u.input + u.output + u.cw5m + u.cw1h + u.cacheRead;
}

export function emptyManifest(seed: number, targetBytes: number): CorpusManifest {
  return {
    seed,
    targetBytes,
    totalBytes: 0,
    totalLines: 0,
    files: [],
    sessionFiles: 0,
    subagentFiles: 0,
    firstTimestamp: "",
    lastTimestamp: "",
    cases: {
      streamingResponses: 0,
      streamingExtraLines: 0,
      nonMonotonicSnapshots: 0,
      resumedSessions: 0,
      resumeRepeatedLines: 0,
      resumeRepeatedAssistantLines: 0,
      forkedSessions: 0,
      forkRepeatedAssistantLines: 0,
      sidechainReplays: 0,
      sidechainReplaysInSubagentFiles: 0,
      sidechainReplaysOfEarlierSnapshot: 0,
      subagentResponses: 0,
      oneHourCacheResponses: 0,
      legacyUsageResponses: 0,
      unknownModelResponses: 0,
      syntheticLines: 0,
      malformed: { notJson: 0, zeroFilled: 0, blank: 0, truncatedTail: 0, wrongTypes: 0 },
      toolResultUsageDecoys: 0,
    },
    longContextMessageIds: [],
    expected: { ...emptyTotals(), byModel: {} },
  };
}
