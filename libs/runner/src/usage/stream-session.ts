import { basename } from "node:path";
import type { TranscriptEntryInput, UsageRecordInput } from "@stratavore/contracts";
import { readFileLineBatches } from "./line-splitter.ts";
import { parseTranscriptEntry } from "./parse-entry.ts";
import { parseUsageLine } from "./parse-line.ts";
import { UsageBatch } from "./usage-batch.ts";

export interface StreamedSession {
  records: UsageRecordInput[];
  malformed: number;
  /** Earliest and latest timestamp of a user or assistant entry. */
  firstAt: string | null;
  lastAt: string | null;
}

/**
 * A finished session's files (`<session>.jsonl` first, then its sub-agent files) read once, a
 * chunk at a time: usage as the live tailer counts it, and the archive entries it would send,
 * handed over `batchSize` at a time — so importing a 1 GB transcript holds a chunk, not the file.
 */
export async function streamSessionFiles(
  paths: readonly string[],
  sessionId: string,
  onEntries: (entries: TranscriptEntryInput[]) => Promise<void>,
  batchSize = 500,
): Promise<StreamedSession> {
  const usage = new UsageBatch();
  const ctx = { sessionId };
  let malformed = 0;
  let first: string | null = null;
  let last: string | null = null;
  let pending: TranscriptEntryInput[] = [];
  for (const [i, path] of paths.entries()) {
    const file = i === 0 ? "" : basename(path);
    for await (const { buf, starts, ends, at } of readFileLineBatches(path)) {
      for (let l = 0; l < starts.length; l++) {
        const start = starts[l] ?? 0;
        const line = buf.toString("utf8", start, ends[l] ?? 0);
        const parsed = parseUsageLine(line, ctx);
        if (parsed.kind === "usage") usage.add(parsed.record);
        else if (parsed.kind === "malformed") malformed += 1;
        const entry = parseTranscriptEntry(line, { file, offset: at + start });
        if (!entry) continue;
        if (entry.timestamp && (entry.type === "user" || entry.type === "assistant")) {
          if (!first || Date.parse(entry.timestamp) < Date.parse(first)) first = entry.timestamp;
          if (!last || Date.parse(entry.timestamp) > Date.parse(last)) last = entry.timestamp;
        }
        pending.push(entry);
        if (pending.length >= batchSize) {
          await onEntries(pending);
          pending = [];
        }
      }
    }
  }
  if (pending.length) await onEntries(pending);
  return { records: usage.records(), malformed, firstAt: first, lastAt: last };
}
