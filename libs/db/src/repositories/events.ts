import { createHmac } from "node:crypto";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./tx.ts";

export interface AuditInput {
  type: string;
  entityType: string;
  entityId?: string | null;
  actorType: "user" | "token" | "node" | "system";
  actorId?: string | null;
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
  const body = canonical([
    prevHash,
    input.type,
    input.entityType,
    input.entityId ?? null,
    input.actorType,
    input.actorId ?? null,
    input.data ?? {},
    createdAt.toISOString(),
  ]);
  return createHmac("sha256", key).update(body).digest("hex");
}

/** Appends one audit event inside the caller's transaction; returns its sequence number. */
export async function appendEvent(tx: Prisma.TransactionClient, key: string, input: AuditInput): Promise<AuditEvent> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${EVENT_CHAIN_LOCK})`;
  const last = await tx.event.findFirst({ orderBy: { seq: "desc" }, select: { signature: true } });
  const prevHash = last?.signature ?? GENESIS;
  const createdAt = new Date();
  const row = await tx.event.create({
    data: {
      type: input.type,
      entityType: input.entityType,
      entityId: input.entityId ?? null,
      actorType: input.actorType,
      actorId: input.actorId ?? null,
      data: input.data ?? {},
      prevHash,
      signature: signEvent(key, prevHash, input, createdAt),
      createdAt,
    },
    select: { seq: true, type: true, entityType: true, entityId: true, createdAt: true },
  });
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

/** Re-computes the chain; returns the first seq whose signature does not match, or null. */
export async function verifyEventChain(db: Tx, key: string): Promise<number | null> {
  let prev = GENESIS;
  const rows = await db.event.findMany({ orderBy: { seq: "asc" } });
  for (const r of rows) {
    const input: AuditInput = {
      type: r.type,
      entityType: r.entityType,
      entityId: r.entityId,
      actorType: r.actorType as AuditInput["actorType"],
      actorId: r.actorId,
      data: r.data as Prisma.InputJsonValue,
    };
    if (r.prevHash !== prev || signEvent(key, prev, input, r.createdAt) !== r.signature) return Number(r.seq);
    prev = r.signature;
  }
  return null;
}

/** How many `type` events an entity has had since `since` (for "once per period" notices). */
export function countEventsSince(db: Tx, type: string, entityId: string, since: Date): Promise<number> {
  return db.event.count({ where: { type, entityId, createdAt: { gte: since } } });
}
