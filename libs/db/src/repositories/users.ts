import type { Role, User } from "@stratavore/contracts";
import type { Tx } from "./tx.ts";

/** Never selects passwordHash: only `findLoginCandidate` may see it. */
const userSelect = { id: true, email: true, name: true, role: true, disabledAt: true, createdAt: true } as const;

type UserRow = { id: string; email: string; name: string; role: Role; disabledAt: Date | null; createdAt: Date };

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt,
  };
}

export async function findUserById(db: Tx, id: string): Promise<User | null> {
  const row = await db.user.findUnique({ where: { id }, select: userSelect });
  return row ? toUser(row) : null;
}

export async function findLoginCandidate(db: Tx, email: string) {
  return db.user.findUnique({ where: { email }, select: { ...userSelect, passwordHash: true } });
}

export async function listUsers(db: Tx): Promise<User[]> {
  const rows = await db.user.findMany({ select: userSelect, orderBy: { createdAt: "asc" } });
  return rows.map(toUser);
}

export async function insertUser(
  db: Tx,
  data: { email: string; name: string; role: Role; passwordHash: string },
): Promise<User> {
  return toUser(await db.user.create({ data, select: userSelect }));
}

export async function updateUser(
  db: Tx,
  id: string,
  data: { disabledAt?: Date | null; passwordHash?: string; role?: Role },
): Promise<User> {
  return toUser(await db.user.update({ where: { id }, data, select: userSelect }));
}

export async function countEnabledAdmins(db: Tx, exceptId?: string): Promise<number> {
  return db.user.count({ where: { role: "admin", disabledAt: null, ...(exceptId ? { id: { not: exceptId } } : {}) } });
}

export async function countUsers(db: Tx): Promise<number> {
  return db.user.count();
}

/** The first admin created: who the server's own acts (the local agent's join token) are attributed to. */
export async function oldestAdminId(db: Tx): Promise<string | null> {
  const row = await db.user.findFirst({
    where: { role: "admin" },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  return row?.id ?? null;
}

/** A user's id by email (lower-cased), or null. */
export async function userIdByEmail(db: Tx, email: string): Promise<string | null> {
  const row = await db.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true } });
  return row?.id ?? null;
}
