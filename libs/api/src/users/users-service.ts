import { AppError, type Role, type User } from "@stratavore/contracts";
import {
  countEnabledAdmins,
  endUserLoginSessions,
  type Db,
  findUserById,
  insertUser,
  listUsers,
  lockAdminChanges,
  seedFirstAdmin,
  type Tx,
  updateUser,
} from "@stratavore/db";
import { hashPassword } from "../auth/passwords.ts";
import type { Principal } from "../auth/principal.ts";
import type { ApiDeps } from "../deps.ts";
import { endingSignIns } from "./ending-sign-ins.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction, isUniqueViolation } from "../shared/transaction.ts";

export function listAllUsers(deps: ApiDeps): Promise<User[]> {
  return listUsers(deps.db);
}

export async function createUser(
  deps: ApiDeps,
  actor: Principal,
  input: { email: string; name: string; role: Role; password: string },
): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await inTransaction(deps.db, deps.bus, async (tx) => {
      const user = await insertUser(tx, { email: input.email, name: input.name, role: input.role, passwordHash });
      await audit(tx, deps.config.auditKey, actor, {
        type: "user.created",
        entityType: "user",
        entityId: user.id,
        data: { email: user.email, role: user.role },
      });
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("EMAIL_TAKEN");
    throw err;
  }
}

async function mustFind(db: Tx, id: string): Promise<User> {
  const user = await findUserById(db, id);
  if (!user) throw new AppError("NOT_FOUND", "No such user.");
  return user;
}

export async function setUserDisabled(deps: ApiDeps, actor: Principal, id: string, disabled: boolean): Promise<User> {
  if (disabled && id === actor.user.id) throw new AppError("CANNOT_DISABLE_SELF");
  const user = await inTransaction(deps.db, deps.bus, async (tx) => {
    const user = await mustFind(tx, id);
    // Serialise admin changes so two requests cannot disable the last two admins at once.
    await lockAdminChanges(tx);
    if (disabled && user.role === "admin" && (await countEnabledAdmins(tx, id)) === 0) throw new AppError("LAST_ADMIN");
    const updated = await updateUser(tx, id, { disabledAt: disabled ? new Date() : null });
    // Enabling the account again must not revive the cookies it had.
    if (disabled) await endUserLoginSessions(tx, id, "disabled");
    await audit(tx, deps.config.auditKey, actor, {
      type: disabled ? "user.disabled" : "user.enabled",
      entityType: "user",
      entityId: id,
    });
    return updated;
  });
  deps.access.changed(id);
  return user;
}

export async function setUserRole(deps: ApiDeps, actor: Principal, id: string, role: Role): Promise<User> {
  const changed = await inTransaction(deps.db, deps.bus, async (tx) => {
    const user = await mustFind(tx, id);
    await lockAdminChanges(tx);
    if (user.role === "admin" && role !== "admin" && (await countEnabledAdmins(tx, id)) === 0)
      throw new AppError("LAST_ADMIN");
    const updated = await updateUser(tx, id, { role });
    await audit(tx, deps.config.auditKey, actor, {
      type: "user.role_changed",
      entityType: "user",
      entityId: id,
      data: { from: user.role, to: role },
    });
    return updated;
  });
  // A demoted operator's open terminal must stop taking input now, not at its next sign-in.
  deps.access.changed(id);
  return changed;
}

export async function resetUserPassword(deps: ApiDeps, actor: Principal, id: string, password: string): Promise<User> {
  const passwordHash = await hashPassword(password);
  // A reset is for a password someone else may know: every sign-in with it ends, and so does
  // every API token, which whoever knew it could have made (the attacker review).
  const { value } = await endingSignIns(
    deps,
    actor,
    id,
    { reason: "password_reset", event: "user.password_reset", revokeTokens: true },
    async (tx) => {
      await mustFind(tx, id);
      return updateUser(tx, id, { passwordHash });
    },
  );
  return value;
}

/**
 * First start: creates the admin when no user exists, with what else a fresh install starts
 * with (`alsoCreate`, in the same transaction). Returns null when users already exist.
 */
export async function ensureFirstAdmin(
  db: Db,
  email: string,
  password: string,
  alsoCreate?: Parameters<typeof seedFirstAdmin>[2],
): Promise<User | null> {
  return seedFirstAdmin(db, { email, name: "Administrator", passwordHash: await hashPassword(password) }, alsoCreate);
}
