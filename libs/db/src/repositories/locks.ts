import type { Tx } from "./tx.ts";

/** Transaction-scoped advisory lock on a named key (project quota, node capacity). */
export async function advisoryLock(tx: Tx, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}

/** One key for every change of roles or disabled flags, so two cannot remove the last two admins at once. */
export async function lockAdminChanges(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${0x4144_4d4e})`;
}

/** Row lock on a project until the transaction ends: a launch cannot slip in before its delete. */
export async function lockProjectRow(tx: Tx, id: string): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM "Project" WHERE id = ${id}::uuid FOR UPDATE`;
}
