import type { TranscriptEntryInput, UsageRecordInput } from "@stratavore/contracts";
import { lineAt, readFileLineBatches } from "./line-splitter.ts";
import { transcriptEntries } from "./parse-entry.ts";
import { parseUsageLine } from "./parse-line.ts";
import { UsageBatch } from "./usage-batch.ts";
import { transcriptFileLabel } from "./scan-history.ts";

export interface StreamedSession {
  records: UsageRecordInput[];
  malformed: number;
  /** Earliest and latest timestamp of a user or assistant entry. */
  firstAt: string | null;
  lastAt: string | null;
  /** Per file (in `paths` order): the offset just past its last complete line. */
  completeBytes: number[];
  /** Bytes read, over all files. */
  bytesRead: number;
}

/**
 * A finished session's files (scanHistory's HistorySession.files) read once, a
 * chunk at a time: usage as the live tailer counts it, and the archive entries it would send,
 * handed over `batchSize` at a time — so importing a 1 GB transcript holds a chunk, not the file.
 */
export async function streamSessionFiles(
  paths: readonly string[],
  sessionId: string,
  onEntries: (entries: TranscriptEntryInput[]) => Promise<void>,
  batchSize = 500,
  /** Per file, where to start (the `completeBytes` of an earlier read of it); 0 when absent. */
  from: readonly number[] = [],
): Promise<StreamedSession> {
  const usage = new UsageBatch();
  const ctx = { sessionId };
  let malformed = 0;
  let first: string | null = null;
  let last: string | null = null;
  let pending: TranscriptEntryInput[] = [];
  const completeBytes: number[] = [];
  let bytesRead = 0;
  for (const [i, path] of paths.entries()) {
    const file = transcriptFileLabel(path, sessionId);
    const fromByte = from[i] ?? 0;
    let readTo = fromByte;
    const batches = readFileLineBatches(path, (complete) => (completeBytes[i] = complete), undefined, fromByte);
    for await (const { buf, starts, ends, at } of batches) {
      readTo = Math.max(readTo, at + buf.length);
      for (let l = 0; l < starts.length; l++) {
        const start = starts[l] ?? 0;
        const end = ends[l] ?? 0;
        // Ranges stop before a trailing '\r'; lineAt is given it, to keep such a line's bytes exact.
        const { text: line, raw } = lineAt(buf, start, buf[end] === 0x0d ? end + 1 : end);
        const parsed = parseUsageLine(line, ctx);
        if (parsed.kind === "usage") usage.add(parsed.record);
        else if (parsed.kind === "malformed") malformed += 1;
        const [entry, ...parts] = transcriptEntries(line, { file, offset: at + start }, raw);
        if (!entry) continue;
        if (entry.timestamp && (entry.type === "user" || entry.type === "assistant")) {
          if (!first || Date.parse(entry.timestamp) < Date.parse(first)) first = entry.timestamp;
          if (!last || Date.parse(entry.timestamp) > Date.parse(last)) last = entry.timestamp;
        }
        // A line's later byte parts after it: the server appends them in order.
        pending.push(entry, ...parts);
        if (pending.length >= batchSize) {
          await onEntries(pending);
          pending = [];
        }
      }
    }
    bytesRead += readTo - fromByte;
  }
  if (pending.length) await onEntries(pending);
  return { records: usage.records(), malformed, firstAt: first, lastAt: last, completeBytes, bytesRead };
}
