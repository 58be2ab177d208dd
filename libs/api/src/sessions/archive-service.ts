import { AppError, ROOMS, type TranscriptEntryInput } from "@stratavore/contracts";
import {
  EntryCopy,
  ensureSession,
  findRunner,
  insertEntries,
  isRunnersSession,
  markResumableIfArchived,
  poolOf,
  projectPathOf,
  refreshSessionStats,
  sessionHadRunner,
} from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { checkedEvent } from "../realtime/bus.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";

/**
 * New transcript lines of a runner's session go into the archive (idempotent per line uuid),
 * and the session's figures are recomputed from what is archived.
 */
export async function archiveEntries(
  deps: ApiDeps,
  nodeId: string,
  runnerId: string,
  sessionId: string,
  entries: TranscriptEntryInput[],
): Promise<number> {
  const runner = await findRunner(deps.db, runnerId);
  if (!runner || runner.nodeId !== nodeId) throw new AppError("NOT_FOUND", "This node does not run that runner.");
  const cwd = (await projectPathOf(deps.db, runner.projectId)) ?? "";
  // DESIGN §3 rule 6: a node adds lines only to the session of a runner it runs.
  if (!isRunnersSession(runner, sessionId)) {
    await inTransaction(deps.db, deps.bus, (tx) =>
      audit(
        tx,
        deps.config.auditKey,
        { nodeId },
        {
          type: "archive.write_refused",
          entityType: "runner",
          entityId: runnerId,
          data: { sessionId, lines: entries.length },
        },
      ),
    );
    throw new AppError("FORBIDDEN", "That session is not this runner's.");
  }
  return inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    await ensureSession(tx, { id: sessionId, projectId: runner.projectId, nodeId, cwd });
    const added = await insertEntries(tx, sessionId, entries);
    if (added) {
      await refreshSessionStats(tx, sessionId);
      // After the commit: open viewers of this session fetch what follows their last line.
      outbox.push(checkedEvent(ROOMS.session(sessionId), "session:appended", { sessionId, added }));
    }
    return added;
  });
}

/** Imports never add to a session a runner worked on: its agent archives it. */
export async function canArchiveImport(deps: ApiDeps, sessionId: string): Promise<boolean> {
  return !(await sessionHadRunner(deps.db, sessionId));
}

/**
 * An imported session's lines, streamed into the archive as they are read (COPY on a
 * connection of its own; nothing is published, so no bus transaction is needed).
 */
export function openImportedArchive(deps: ApiDeps, sessionId: string): Promise<EntryCopy> {
  return EntryCopy.open(poolOf(deps.db), sessionId);
}

/** Figures from the archived lines, and resumable once there are any (restore puts them on a node). */
export async function finishImportedArchive(deps: ApiDeps, sessionId: string): Promise<void> {
  await inTransaction(deps.db, deps.bus, async (tx) => {
    await refreshSessionStats(tx, sessionId);
    await markResumableIfArchived(tx, sessionId);
  });
}
