import { basename } from "node:path";
import type { Principal } from "../auth/principal.ts";
import { evaluateBudgets } from "../budgets/enforcement.ts";
import type { ApiDeps } from "../trpc/context.ts";
import { audit } from "./audit.ts";
import { writeLedger } from "./ledger-service.ts";
import { inTransaction } from "./transaction.ts";
import type { z } from "zod";
import type { usageImportInput } from "@stratavore/contracts";

type ImportInput = z.infer<typeof usageImportInput>;

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 50) || "imported";

/** The project a session's cwd belongs to: an existing one with that path, or a new one. */
async function projectForPath(deps: ApiDeps, actor: Principal, cwd: string, created: string[]): Promise<string> {
  const existing = await deps.db.project.findFirst({ where: { path: cwd }, select: { id: true }, orderBy: { createdAt: "asc" } });
  if (existing) return existing.id;
  return inTransaction(deps.db, deps.bus, async (tx) => {
    let name = slug(basename(cwd));
    for (let i = 2; await tx.project.count({ where: { name } }); i++) name = `${slug(basename(cwd)).slice(0, 45)}-${i}`;
    const p = await tx.project.create({ data: { name, path: cwd, description: "Created by import of existing Claude Code history", tags: ["imported"] }, select: { id: true } });
    await audit(tx, deps.config.auditKey, actor, { type: "project.created", entityType: "project", entityId: p.id, data: { name, imported: true } });
    created.push(name);
    return p.id;
  });
}

/**
 * Imports parsed history: sessions (and their projects, by path) are created or completed,
 * usage goes through the same ledger write as live usage, so importing twice changes nothing.
 */
export async function importHistory(deps: ApiDeps, actor: Principal, input: ImportInput) {
  const created: string[] = [];
  let changed = 0;
  const projects = new Set<string>();
  for (const s of input.sessions) {
    const projectId = s.cwd ? await projectForPath(deps, actor, s.cwd, created) : null;
    if (projectId) projects.add(projectId);
    const data = { projectId, cwd: s.cwd, title: s.title, firstMessageAt: s.firstAt ? new Date(s.firstAt) : null, lastMessageAt: s.lastAt ? new Date(s.lastAt) : null, messageCount: s.messageCount };
    await deps.db.session.upsert({ where: { id: s.sessionId }, create: { id: s.sessionId, ...data }, update: data });
    changed += await writeLedger(deps, { runnerId: null, projectId, nodeId: null }, s.records.map((r) => ({ ...r, sessionId: s.sessionId })));
  }
  if (changed) await evaluateBudgets(deps, [...projects], []);
  return { sessions: input.sessions.length, recordsChanged: changed, projectsCreated: created };
}
