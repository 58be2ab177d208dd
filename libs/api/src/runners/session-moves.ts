import { RUNNER_STATUSES } from "@stratavore/contracts";
import {
  abandonWaitingRestarts,
  advisoryLock,
  ensureSession,
  findRunner,
  isRunnersSession,
  isUuid,
  lockRunnerSessions,
  otherActiveRunnersOfSession,
  projectPathOf,
  sessionProject,
  type Tx,
} from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { moveRunner } from "./runner-events.ts";

/** The server's answer to a session report; a refusal is final (the agent does not say it again). */
export type SessionReportAnswer =
  { ok: true } | { ok: false; code: "SESSION_REFUSED"; message: string; sessions: string[] };

/** Sessions a runner may have left behind; past it, a report is refused (a node minting rows). */
export const MAX_PAST_SESSIONS = 100;

/**
 * An agent reports the session a runner's claude writes to (`sessionId`) and the ones it moved
 * through since its launch (`left`). Every launch names its session up front, so the report
 * mostly confirms it. Claude moves to a new session under a running runner when its user types
 * /clear (a new session), or /resume (an existing one of the project: observed with claude
 * 2.1.328, the same process appends to that session's file): the runner follows, keeping the
 * sessions it left as its own (`pastSessionIds`), so what claude spends in any of them is
 * counted and archived. A session of the runner's own project that no other runner is running
 * can be moved into — new, imported, or left by a runner that ended (its ledger rows stay that
 * runner's: no node can change a row another runner counted). Another project's session, one
 * another runner is running, or an id that is not a UUID is refused and audited.
 */
export async function recordSession(
  deps: ApiDeps,
  nodeId: string,
  report: { runnerId: string; sessionId: string; left?: string[]; past?: boolean },
): Promise<SessionReportAnswer> {
  const { runnerId, sessionId } = report;
  const left = report.left ?? [];
  const runner = await findRunner(deps.db, runnerId);
  // About a runner this node no longer runs (it moved): moot. One that ended meanwhile still
  // follows, so the lines and usage its claude wrote there last are its own.
  if (!runner || runner.nodeId !== nodeId) return { ok: true };
  const named = [...new Set([...left, sessionId])];
  const asked = report.past ? true : runner.sessionId === sessionId;
  if (asked && named.every((s) => isRunnersSession(runner, s))) return { ok: true };
  const cwd = (await projectPathOf(deps.db, runner.projectId)) ?? "";
  // Judged on the runner's row as locked, so two reports (a retry beside a late first attempt)
  // cannot both read the same sessions and overwrite each other.
  const refusal = await inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    // Whether another runner runs a session is asked under the project's lock, as admission asks
    // it: two runners resuming one session (or a move beside a launch) cannot both be told no one does.
    await advisoryLock(tx, `project:${runner.projectId}`);
    const now = await lockRunnerSessions(tx, runnerId);
    if (!now) return null;
    const own = {
      id: runnerId,
      projectId: runner.projectId,
      sessionId: now.sessionId,
      pastSessionIds: now.pastSessionIds,
    };
    const judged = await judgeMove(tx, own, named, report.past ? null : sessionId);
    if ("reason" in judged) return judged;
    for (const id of named) await ensureSession(tx, { id, projectId: runner.projectId, nodeId, cwd });
    // Taken up in the terminal, as a resume from the dashboard takes it: a runner that failed on
    // it no longer restarts into it (it would carry on the conversation this runner took over).
    for (const id of judged.existing) await abandonWaitingRestarts(tx, id);
    // Said about an earlier run (the agent restarted, or the runner was launched again before
    // the move was answered): the sessions are the runner's, its current one stays.
    const current = report.past ? now.sessionId : sessionId;
    const past = [...new Set([...now.pastSessionIds, ...(now.sessionId ? [now.sessionId] : []), ...named])].filter(
      (s) => s !== current,
    );
    if (now.sessionId === current && past.length === now.pastSessionIds.length) return null;
    await moveRunner(
      deps,
      tx,
      outbox,
      { nodeId },
      {
        runnerId,
        from: RUNNER_STATUSES,
        data: { sessionId: current, pastSessionIds: past },
        event: "runner.session_changed",
        details: {
          from: now.sessionId,
          to: current,
          ...(report.past ? { earlierRun: named } : {}),
          // Sessions that were there before (claude resumed them), not made by this move.
          ...(judged.existing.length ? { resumed: judged.existing } : {}),
        },
      },
    );
    return null;
  });
  return refusal ? refuse(deps, nodeId, runnerId, refusal) : { ok: true };
}

interface Refusal {
  reason: string;
  /** The sessions that caused it (the agent sets only these aside and says the rest again). */
  sessions: string[];
}

/** Refused, or allowed with the sessions among `named` that existed before (resumed, not new). */
async function judgeMove(
  db: Tx,
  runner: { id: string; projectId: string; sessionId: string | null; pastSessionIds: string[] },
  named: string[],
  /** The session the runner moves into (null for an earlier run's report: nothing moves). */
  into: string | null,
): Promise<Refusal | { existing: string[] }> {
  const fresh = named.filter((s) => !isRunnersSession(runner, s));
  if (runner.pastSessionIds.length + fresh.length > MAX_PAST_SESSIONS)
    return { reason: `A runner keeps at most ${MAX_PAST_SESSIONS} sessions.`, sessions: fresh };
  const existing: string[] = [];
  for (const id of named) {
    // Claude's session ids are UUIDs; the id names files on nodes and in the store.
    if (!isUuid(id)) return { reason: "Not a session id.", sessions: [id] };
    const found = fresh.includes(id) ? await sessionProject(db, id) : null;
    // Its usage would be charged to, and its lines archived in, another project (or in none:
    // a deleted project's session, or one imported without a folder, is no project's to take).
    if (found && found.projectId !== runner.projectId)
      return { reason: "That session belongs to another project.", sessions: [id] };
    if (found) existing.push(id);
    // The session moved into, or an existing one taken up: two claudes would interleave it.
    // (One of its own merely named takes nothing from anyone.)
    if ((id === into || found) && (await otherActiveRunnersOfSession(db, id, runner.id)) > 0)
      return { reason: "Another runner is running that session.", sessions: [id] };
  }
  return { existing };
}

async function refuse(
  deps: ApiDeps,
  nodeId: string,
  runnerId: string,
  { reason, sessions }: Refusal,
): Promise<SessionReportAnswer> {
  deps.log("warn", "a runner's move to another session was refused", { nodeId, runnerId, reason });
  await inTransaction(deps.db, deps.bus, (tx) =>
    audit(
      tx,
      deps.config.auditKey,
      { nodeId },
      {
        type: "runner.session_refused",
        entityType: "runner",
        entityId: runnerId,
        data: { sessions: sessions.slice(0, 100).map((s) => s.slice(0, 100)), reason },
      },
    ),
  );
  return { ok: false, code: "SESSION_REFUSED", message: reason, sessions: sessions.slice(0, 100) };
}
