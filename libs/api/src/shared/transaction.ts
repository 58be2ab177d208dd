import type { Db, PrismaNs } from "@stratavore/db";
import type { OutgoingEvent, RealtimeBus } from "../realtime/bus.ts";

export type TxClient = PrismaNs.TransactionClient;

/**
 * Runs `work` in one transaction and publishes the realtime events it queued only after
 * the commit succeeded: a rolled-back change is never announced.
 */
export async function inTransaction<T>(
  db: Db,
  bus: RealtimeBus,
  work: (tx: TxClient, outbox: OutgoingEvent[]) => Promise<T>,
): Promise<T> {
  const outbox: OutgoingEvent[] = [];
  // Under a burst (100 launches serialised by one advisory lock) a transaction may wait for a
  // pooled connection far longer than Prisma's 2 s default before it even starts.
  const result = await db.$transaction((tx) => work(tx, outbox), { maxWait: 30_000, timeout: 30_000 });
  if (outbox.length) bus.publish(outbox);
  return result;
}

/** Prisma's unique-constraint violation. */
export const isUniqueViolation = (err: unknown): boolean => (err as { code?: string } | null)?.code === "P2002";
