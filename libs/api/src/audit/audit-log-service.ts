import {
  AppError,
  ROOMS,
  type AuditEventRow,
  type AuditListInput,
  type ChainVerifyResult,
} from "@stratavore/contracts";
import {
  actorIdFor,
  listEventLog,
  namesForEvents,
  projectIdFor,
  verifyEventChain,
  type EventLogFilter,
} from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import type { ApiDeps } from "../deps.ts";
import { checkedEvent } from "../realtime/bus.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";

/** "system", a user id or email, a node id or name → the filter's actor fields. */
async function actorFilter(deps: ApiDeps, actor: string): Promise<{ actorId?: string; system?: true }> {
  if (actor === "system") return { system: true };
  const id = await actorIdFor(deps.db, actor);
  if (!id) throw new AppError("NOT_FOUND", `No user or node called '${actor}'.`);
  return { actorId: id };
}

async function projectFilter(deps: ApiDeps, project: string): Promise<string> {
  const id = await projectIdFor(deps.db, project);
  if (!id) throw new AppError("NOT_FOUND", `No project '${project}'.`);
  return id;
}

/** A page of the audit log with actor and project names; newest first unless following. */
export async function listAuditLog(
  deps: ApiDeps,
  input: AuditListInput,
): Promise<{ items: AuditEventRow[]; nextBeforeSeq: number | null }> {
  const type = input.type?.endsWith(".") ? { typePrefix: input.type } : input.type ? { types: [input.type] } : {};
  const actor = input.actor ? await actorFilter(deps, input.actor) : {};
  const filter: EventLogFilter = {
    ...type,
    ...(actor.actorId ? { actorId: actor.actorId } : {}),
    ...(actor.system ? { actorType: "system" } : {}),
    entityType: input.entityType,
    entityId: input.entityId,
    projectId: input.project ? await projectFilter(deps, input.project) : undefined,
    since: input.since,
    until: input.until,
    beforeSeq: input.cursor,
    afterSeq: input.afterSeq,
    limit: input.limit,
  };
  const rows = await listEventLog(deps.db, filter);
  const names = await namesForEvents(deps.db, rows);
  const items = rows.map((r) => ({
    ...r,
    actorName: r.actorId ? (names.actors.get(r.actorId) ?? null) : r.actorType === "system" ? "system" : null,
    projectName: r.projectId ? (names.projects.get(r.projectId) ?? null) : null,
  }));
  const last = rows.at(-1);
  const paging = input.afterSeq === undefined && rows.length === input.limit;
  return { items, nextBeforeSeq: paging && last ? last.seq : null };
}

/**
 * Verifies the whole HMAC chain page by page (constant memory), telling the caller's open
 * tabs the progress. A broken chain is itself audited (`audit.chain_broken`), so it is
 * announced on every channel that takes critical events.
 */
export async function verifyAuditChain(deps: ApiDeps, actor: Principal): Promise<ChainVerifyResult> {
  const started = performance.now();
  let lastSent = 0;
  let lastSeq = 0;
  const { firstBrokenSeq: firstBroken, checked } = await verifyEventChain(deps.db, deps.config.auditKey, {
    onProgress: (p) => {
      lastSeq = p.lastSeq;
      if (performance.now() - lastSent < 250) return;
      lastSent = performance.now();
      deps.bus.publish([checkedEvent(ROOMS.user(actor.user.id), "audit:verify", { ...p, done: false })]);
    },
  });
  if (firstBroken !== null)
    await inTransaction(deps.db, deps.bus, (tx) =>
      audit(tx, deps.config.auditKey, actor, {
        type: "audit.chain_broken",
        entityType: "audit",
        data: { firstBrokenSeq: firstBroken },
      }),
    );
  deps.bus.publish([
    checkedEvent(ROOMS.user(actor.user.id), "audit:verify", { checked, lastSeq: firstBroken ?? lastSeq, done: true }),
  ]);
  return {
    ok: firstBroken === null,
    checked,
    firstBrokenSeq: firstBroken,
    ms: Math.round(performance.now() - started),
  };
}
