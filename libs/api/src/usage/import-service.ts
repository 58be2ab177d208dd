import { basename } from "node:path";
import {
  insertImportedProject,
  insertImportedSession,
  projectIdByPath,
  projectNameTaken,
  sessionHadRunner,
  sessionProject,
  widenImportedSession,
} from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import { evaluateBudgets } from "../budgets/enforcement.ts";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { writeLedger } from "./ledger-service.ts";
import { projectSlug } from "./project-slug.ts";
import { inTransaction } from "../shared/transaction.ts";
import type { z } from "zod";
import type { usageImportInput } from "@stratavore/contracts";
import { USAGE_CACHE } from "../cache/read-cache.ts";

type ImportInput = z.infer<typeof usageImportInput>;

/**
 * The project a session's cwd belongs to: an existing one with that path, or a new one. One
 * lookup-or-create per path at a time, so sessions imported side by side share the project.
 */
function projectForPath(deps: ApiDeps, actor: Principal, cwd: string, created: string[]): Promise<string> {
  return deps.fleet.serially(`import-project:${cwd}`, () => findOrCreateProject(deps, actor, cwd, created));
}

async function findOrCreateProject(deps: ApiDeps, actor: Principal, cwd: string, created: string[]): Promise<string> {
  const existing = await projectIdByPath(deps.db, cwd);
  if (existing) return existing;
  return inTransaction(deps.db, deps.bus, async (tx) => {
    const base = projectSlug(basename(cwd));
    let name = base;
    for (let i = 2; await projectNameTaken(tx, name); i++) name = `${base.slice(0, 45).replace(/-+$/, "")}-${i}`;
    const id = await insertImportedProject(tx, name, cwd);
    await audit(tx, deps.config.auditKey, actor, {
      type: "project.created",
      entityType: "project",
      entityId: id,
      data: { name, imported: true },
    });
    created.push(name);
    return id;
  });
}

/**
 * Imports parsed history: new sessions (and their projects, by path) are created; a session
 * that already exists is completed, never re-homed — its project, cwd and title stay, counts
 * and times only widen. Usage goes through the same ledger write as live usage, attributed to
 * the session's own project, and never changes a response a runner counted (DESIGN §3 rule 6),
 * so importing twice changes nothing. A session a runner worked on is left alone: its agent
 * counts and archives it, and an import's records would add spend to a live runner's project
 * (the attacker review: 5 M made-up tokens, $450, on a running session). A call through the
 * API is audited when it changed anything; the Settings import, which calls this per session,
 * is audited once at its end (`import.finished`).
 */
export async function importHistory(deps: ApiDeps, actor: Principal, input: ImportInput, audited = false) {
  const created: string[] = [];
  let changed = 0;
  let runnerSessions = 0;
  const projects = new Set<string>();
  for (const s of input.sessions) {
    const existing = await sessionProject(deps.db, s.sessionId);
    if (existing && (await sessionHadRunner(deps.db, s.sessionId))) {
      runnerSessions += 1;
      continue;
    }
    const projectId = existing ? existing.projectId : s.cwd ? await projectForPath(deps, actor, s.cwd, created) : null;
    if (projectId) projects.add(projectId);
    const first = s.firstAt ? new Date(s.firstAt) : null;
    const last = s.lastAt ? new Date(s.lastAt) : null;
    if (existing)
      await widenImportedSession(deps.db, s.sessionId, { title: s.title, first, last, messageCount: s.messageCount });
    else
      await insertImportedSession(deps.db, {
        id: s.sessionId,
        projectId,
        cwd: s.cwd,
        title: s.title,
        first,
        last,
        messageCount: s.messageCount,
      });
    changed += await writeLedger(
      deps,
      { runnerId: null, projectId, nodeId: null },
      s.records.map((r) => ({ ...r, sessionId: s.sessionId })),
    );
  }
  if (changed) {
    // The past changed: a cached report would hide it for seconds from the user who imported.
    await deps.readCache?.invalidate(USAGE_CACHE);
    await evaluateBudgets(deps, [...projects], []);
  }
  if (audited && (changed || runnerSessions))
    await inTransaction(deps.db, deps.bus, (tx) =>
      audit(tx, deps.config.auditKey, actor, {
        type: "usage.imported",
        entityType: "ledger",
        data: {
          sessions: input.sessions.length,
          recordsChanged: changed,
          runnerSessionsSkipped: runnerSessions,
          projects: [...projects],
        },
      }),
    );
  return {
    sessions: input.sessions.length,
    recordsChanged: changed,
    projectsCreated: created,
    runnerSessionsSkipped: runnerSessions,
  };
}

/** An import's end, audited (and so announced as `import.finished`). */
export async function recordImportFinished(
  deps: ApiDeps,
  actor: Principal,
  summary: {
    sessions: number;
    recordsChanged: number;
    failed: number;
    source: "cli" | "settings";
    /** Settings imports: bytes read, and sessions with nothing new since the last import. */
    bytesRead?: number;
    sessionsUnchanged?: number;
  },
): Promise<void> {
  await inTransaction(deps.db, deps.bus, (tx) =>
    audit(tx, deps.config.auditKey, actor, { type: "import.finished", entityType: "import", data: summary }),
  );
}
