import { createHmac } from "node:crypto";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

export interface AuditInput {
  type: string;
  entityType: string;
  entityId?: string | null;
  actorType: "user" | "token" | "node" | "system";
  actorId?: string | null;
  /** The project concerned; derived from the entity when absent (runner, session, budget, project). */
  projectId?: string | null;
  data?: Prisma.InputJsonValue;
}

export interface AuditEvent {
  seq: number;
  type: string;
  entityType: string;
  entityId: string | null;
  createdAt: Date;
}

const GENESIS = "genesis";
/** Serialises appends so each signature chains to the one committed before it. */
const EVENT_CHAIN_LOCK = 0x5354_5241; // "STRA"

/** jsonb does not keep key order, so signatures are computed over key-sorted JSON. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function signEvent(key: string, prevHash: string, input: AuditInput, createdAt: Date): string {
  const fields: unknown[] = [
    prevHash,
    input.type,
    input.entityType,
    input.entityId ?? null,
    input.actorType,
    input.actorId ?? null,
    input.data ?? {},
    createdAt.toISOString(),
  ];
  // Signed only when set, so events written before the column existed still verify.
  if (input.projectId) fields.push(input.projectId);
  return createHmac("sha256", key).update(canonical(fields)).digest("hex");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The project an entity belongs to, read in the appending transaction (null when none). */
async function projectOf(tx: Prisma.TransactionClient, entityType: string, entityId: string | null | undefined) {
  if (!entityId) return null;
  if (entityType === "session") {
    const row = await tx.session.findUnique({ where: { id: entityId }, select: { projectId: true } });
    return row?.projectId ?? null;
  }
  if (!UUID.test(entityId)) return null;
  if (entityType === "project") {
    const row = await tx.project.findUnique({ where: { id: entityId }, select: { id: true } });
    return row?.id ?? null;
  }
  if (entityType === "runner") {
    const row = await tx.runner.findUnique({ where: { id: entityId }, select: { projectId: true } });
    return row?.projectId ?? null;
  }
  if (entityType === "budget") {
    const row = await tx.budget.findUnique({ where: { id: entityId }, select: { scope: true, scopeId: true } });
    if (row?.scope === "project") return row.scopeId;
    if (row?.scope === "runner" && row.scopeId) return projectOf(tx, "runner", row.scopeId);
  }
  return null;
}

/**
 * The last signature this process appended, per chain key: the next append assumes it is still
 * the chain's head and checks that in its INSERT (any other writer, a rolled-back append or
 * another database makes the check fail, and the head is read instead).
 */
const lastAppended = new Map<string, string>();

/**
 * Appends one audit event inside the caller's transaction; returns its sequence number. The
 * chain lock is held from here to the commit, so every statement under it counts: the project
 * is looked up before it, and the common append is two statements — the lock, then one INSERT
 * of the event and its outbox row that also checks the head it links to.
 */
export async function appendEvent(tx: Prisma.TransactionClient, key: string, input: AuditInput): Promise<AuditEvent> {
  const [row] = await appendEvents(tx, key, [input]);
  if (!row) throw new Error("appendEvents returned nothing for one event");
  return row;
}

type EventRow = { seq: bigint; type: string; entityType: string; entityId: string | null; createdAt: Date };

/**
 * Appends events in order, signed as one run of the chain, in one INSERT (with their outbox
 * rows) under one acquisition of the chain lock: a change that touches many things at once
 * (a node's runners lost, a budget pausing its runners, an import) costs the chain one link
 * step, not one per event.
 */
export async function appendEvents(
  tx: Prisma.TransactionClient,
  key: string,
  inputs: AuditInput[],
): Promise<AuditEvent[]> {
  if (inputs.length === 0) return [];
  const signed: AuditInput[] = [];
  for (const input of inputs)
    signed.push({ ...input, projectId: input.projectId ?? (await projectOf(tx, input.entityType, input.entityId)) });
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${EVENT_CHAIN_LOCK})`;
  let rows = await insertRun(tx, key, signed, lastAppended.get(key) ?? GENESIS);
  if (!rows) {
    const last = await tx.event.findFirst({ orderBy: { seq: "desc" }, select: { signature: true } });
    rows = await insertRun(tx, key, signed, last?.signature ?? GENESIS);
    if (!rows) throw new Error("the audit chain's head moved under its lock");
  }
  return rows.sort((a, b) => (a.seq < b.seq ? -1 : 1)).map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** The run signed onto `head`, inserted only if `head` is still the chain's head; null if not. */
async function insertRun(
  tx: Prisma.TransactionClient,
  key: string,
  signed: AuditInput[],
  head: string,
): Promise<EventRow[] | null> {
  const createdAt = new Date();
  const prev: string[] = [];
  const sigs: string[] = [];
  let link = head;
  for (const e of signed) {
    prev.push(link);
    link = signEvent(key, link, e, createdAt);
    sigs.push(link);
  }
  const rows = await tx.$queryRaw<EventRow[]>`
    WITH e AS (
      INSERT INTO "Event" (type, "entityType", "entityId", "actorType", "actorId", "projectId", data, "prevHash", signature, "createdAt")
      SELECT v.type, v.entity_type, v.entity_id, v.actor_type, v.actor_id, v.project_id, v.data, v.prev, v.sig,
             -- Prisma keeps DateTime columns in UTC; so must this raw insert, whatever the session's time zone.
             ${createdAt.toISOString()}::timestamptz AT TIME ZONE 'UTC'
        FROM unnest(${signed.map((e) => e.type)}::text[], ${signed.map((e) => e.entityType)}::text[],
                    ${signed.map((e) => e.entityId ?? null)}::text[], ${signed.map((e) => e.actorType)}::text[],
                    ${signed.map((e) => e.actorId ?? null)}::text[], ${signed.map((e) => e.projectId ?? null)}::uuid[],
                    ${signed.map((e) => JSON.stringify(e.data ?? {}))}::jsonb[], ${prev}::text[], ${sigs}::text[])
             WITH ORDINALITY AS v(type, entity_type, entity_id, actor_type, actor_id, project_id, data, prev, sig, ord)
       WHERE COALESCE((SELECT signature FROM "Event" ORDER BY seq DESC LIMIT 1), ${GENESIS}) = ${head}
       -- Sequence numbers are drawn in this order: the chain's order.
       ORDER BY v.ord
      RETURNING seq, type, "entityType", "entityId", "createdAt"
    ), outbox AS (
      -- The outbox rows commit or roll back with the events: nothing announced that did not happen.
      INSERT INTO "OutboxItem" ("eventSeq") SELECT seq FROM e
    )
    SELECT seq, type, "entityType", "entityId", "createdAt" FROM e`;
  if (rows.length === 0) return null;
  lastAppended.set(key, link);
  return rows;
}

export async function eventsSince(db: Tx, entityType: string, afterSeq: number, limit = 1000): Promise<AuditEvent[]> {
  const rows = await db.event.findMany({
    where: { entityType, seq: { gt: BigInt(afterSeq) } },
    orderBy: { seq: "asc" },
    take: limit,
    select: { seq: true, type: true, entityType: true, entityId: true, createdAt: true },
  });
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

export async function latestEventSeq(db: Tx): Promise<number> {
  const last = await db.event.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
  return last ? Number(last.seq) : 0;
}

export interface ChainProgress {
  checked: number;
  lastSeq: number;
}

/**
 * Re-computes the chain in pages of `batch` rows by sequence (constant memory at any length);
 * gives the first seq whose link or signature does not match (null when none) and how many
 * events checked out before it. `onProgress` is told after each page.
 */
export async function verifyEventChain(
  db: Tx,
  key: string,
  opts: { batch?: number; onProgress?: (p: ChainProgress) => void | Promise<void> } = {},
): Promise<{ firstBrokenSeq: number | null; checked: number }> {
  const batch = opts.batch ?? 5000;
  let prev = GENESIS;
  let after = 0n;
  let checked = 0;
  for (;;) {
    const rows = await db.event.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: batch });
    for (const r of rows) {
      const input: AuditInput = {
        type: r.type,
        entityType: r.entityType,
        entityId: r.entityId,
        actorType: r.actorType as AuditInput["actorType"],
        actorId: r.actorId,
        projectId: r.projectId,
        data: r.data as Prisma.InputJsonValue,
      };
      if (r.prevHash !== prev || signEvent(key, prev, input, r.createdAt) !== r.signature)
        return { firstBrokenSeq: Number(r.seq), checked };
      prev = r.signature;
      checked++;
    }
    const last = rows.at(-1);
    if (!last) return { firstBrokenSeq: null, checked };
    after = last.seq;
    await opts.onProgress?.({ checked, lastSeq: Number(after) });
    if (rows.length < batch) return { firstBrokenSeq: null, checked };
  }
}

/** How many `type` events an entity has had since `since` (for "once per period" notices). */
export function countEventsSince(db: Tx, type: string, entityId: string, since: Date): Promise<number> {
  return db.event.count({ where: { type, entityId, createdAt: { gte: since } } });
}

/** The newest `type` event of an entity, or null (what a deleted row was called, say). */
export function latestEventOf(db: Tx, entityType: string, type: string, entityId: string) {
  // entityType first: the (entityType, entityId, seq) index answers it.
  return db.event.findFirst({ where: { entityType, entityId, type }, orderBy: { seq: "desc" } });
}
