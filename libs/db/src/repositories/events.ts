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
  const signed = { ...input, projectId: input.projectId ?? (await projectOf(tx, input.entityType, input.entityId)) };
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${EVENT_CHAIN_LOCK})`;
  const insert = (prevHash: string) => {
    const createdAt = new Date();
    const signature = signEvent(key, prevHash, signed, createdAt);
    return tx.$queryRaw<
      Array<{ seq: bigint; type: string; entityType: string; entityId: string | null; createdAt: Date }>
    >`
      WITH e AS (
        INSERT INTO "Event" (type, "entityType", "entityId", "actorType", "actorId", "projectId", data, "prevHash", signature, "createdAt")
        SELECT ${input.type}, ${input.entityType}, ${input.entityId ?? null}, ${input.actorType}, ${input.actorId ?? null},
               ${signed.projectId ?? null}::uuid, ${JSON.stringify(input.data ?? {})}::jsonb, ${prevHash}, ${signature},
               -- Prisma keeps DateTime columns in UTC; so must this raw insert, whatever the session's time zone.
               ${createdAt.toISOString()}::timestamptz AT TIME ZONE 'UTC'
         WHERE COALESCE((SELECT signature FROM "Event" ORDER BY seq DESC LIMIT 1), ${GENESIS}) = ${prevHash}
        RETURNING seq, type, "entityType", "entityId", "createdAt", signature
      ), outbox AS (
        -- The outbox row commits or rolls back with the event: nothing announced that did not happen.
        INSERT INTO "OutboxItem" ("eventSeq") SELECT seq FROM e
      )
      SELECT seq, type, "entityType", "entityId", "createdAt" FROM e`.then((rows) => {
      if (rows[0]) lastAppended.set(key, signature);
      return rows[0];
    });
  };
  let row = await insert(lastAppended.get(key) ?? GENESIS);
  if (!row) {
    const last = await tx.event.findFirst({ orderBy: { seq: "desc" }, select: { signature: true } });
    row = await insert(last?.signature ?? GENESIS);
    if (!row) throw new Error("the audit chain's head moved under its lock");
  }
  return { ...row, seq: Number(row.seq) };
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
