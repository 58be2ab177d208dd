import type { TranscriptEntryInput } from "@stratavore/contracts";
import type { ApiDeps } from "../deps.ts";
import { archiveEntries } from "../sessions/archive-service.ts";
import { usageOfZeroSplitLines } from "../usage/cache-write-repair.ts";
import { ingestRunnerUsage } from "../usage/ledger-service.ts";

/**
 * An agent's `transcript:batch`: the lines go into the archive; then those holding a cache
 * write an agent of an earlier release shipped as none (ADR 0004 rule 7) are counted again
 * through the same agent's usage path. Returns the lines added.
 */
export async function takeTranscriptBatch(
  deps: ApiDeps,
  nodeId: string,
  batch: { runnerId: string; sessionId: string; entries: TranscriptEntryInput[] },
): Promise<number> {
  const added = await archiveEntries(deps, nodeId, batch.runnerId, batch.sessionId, batch.entries);
  const recounted = usageOfZeroSplitLines(batch.entries, batch.sessionId);
  if (recounted.length) await ingestRunnerUsage(deps, nodeId, batch.runnerId, recounted);
  return added;
}
