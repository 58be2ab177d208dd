import type { User } from "@stratavore/contracts";
import { countUsers, insertUser } from "./repositories/users.ts";
import type { Db } from "./client.ts";

/**
 * Creates the first admin only on an empty users table. Returns null when users exist,
 * so a restart never resets anyone's password.
 */
export async function seedFirstAdmin(
  db: Db,
  data: { email: string; name: string; passwordHash: string },
): Promise<User | null> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${0x5345_4544})`;
    if ((await countUsers(tx)) > 0) return null;
    return insertUser(tx, { ...data, role: "admin" });
  });
}
