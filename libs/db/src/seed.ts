import type { User } from "@stratavore/contracts";
import { countUsers, insertUser } from "./repositories/users.ts";
import type { Db } from "./client.ts";
import type { Prisma } from "./generated/prisma/client.ts";

/**
 * Creates the first admin only on an empty users table. Returns null when users exist,
 * so a restart never resets anyone's password. `alsoCreate` seeds what a fresh install starts
 * with in the same transaction: a start that fails halfway leaves neither, and the next does both.
 */
export async function seedFirstAdmin(
  db: Db,
  data: { email: string; name: string; passwordHash: string },
  alsoCreate?: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<User | null> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${0x5345_4544})`;
      if ((await countUsers(tx)) > 0) return null;
      const admin = await insertUser(tx, { ...data, role: "admin" });
      await alsoCreate?.(tx);
      return admin;
    },
    // As every other transaction here: a second instance starting at the same moment waits on
    // the lock above, inside its own transaction, and must not time out while the first seeds.
    { maxWait: 30_000, timeout: 30_000 },
  );
}
