import { AppError, type TranscriptEntryInput } from "@stratavore/contracts";
import { ensureSession, findRunner, insertEntries, refreshSessionStats } from "@stratavore/db";
import type { ApiDeps } from "../trpc/context.ts";

/**
 * New transcript lines of a runner's session go into the archive (idempotent per line uuid),
 * and the session's figures are recomputed from what is archived.
 */
export async function archiveEntries(deps: ApiDeps, nodeId: string, runnerId: string, sessionId: string, entries: TranscriptEntryInput[]): Promise<number> {
  const runner = await findRunner(deps.db, runnerId);
  if (!runner || runner.nodeId !== nodeId) throw new AppError("NOT_FOUND", "This node does not run that runner.");
  const cwd = (await deps.db.project.findUnique({ where: { id: runner.projectId }, select: { path: true } }))?.path ?? "";
  const existing = await deps.db.session.findUnique({ where: { id: sessionId }, select: { projectId: true } });
  // A node may only add to sessions of the project its runner works in.
  if (existing?.projectId && existing.projectId !== runner.projectId) throw new AppError("FORBIDDEN", "That session belongs to another project.");
  return deps.db.$transaction(async (tx) => {
    await ensureSession(tx, { id: sessionId, projectId: runner.projectId, nodeId, cwd });
    const added = await insertEntries(tx, sessionId, entries);
    if (added) await refreshSessionStats(tx, sessionId);
    return added;
  }, { maxWait: 30_000, timeout: 30_000 });
}
