import { AppError } from "@stratavore/contracts";
import { endUserLoginSessions, findLoginCandidate, listOpenLoginSessions, updateUser } from "@stratavore/db";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import type { Principal } from "../auth/principal.ts";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";

/**
 * A user changes their own password, proving the current one. Every other sign-in of theirs
 * ends (a stolen cookie dies with the old password); the browser making the change stays.
 * API tokens are separate credentials and are kept.
 */
export async function changeOwnPassword(
  deps: ApiDeps,
  actor: Principal,
  input: { currentPassword: string; newPassword: string },
): Promise<{ endedSessions: number }> {
  const row = await findLoginCandidate(deps.db, actor.user.email);
  if (!row || !(await verifyPassword(row.passwordHash, input.currentPassword))) throw new AppError("WRONG_PASSWORD");
  const passwordHash = await hashPassword(input.newPassword);
  const ended = await inTransaction(deps.db, deps.bus, async (tx) => {
    await updateUser(tx, actor.user.id, { passwordHash });
    const count = await endUserLoginSessions(tx, actor.user.id, "password_changed", actor.sessionId);
    await audit(tx, deps.config.auditKey, actor, {
      type: "user.password_changed",
      entityType: "user",
      entityId: actor.user.id,
      data: { endedSessions: count },
    });
    return count;
  });
  deps.access.changed(actor.user.id);
  return { endedSessions: ended };
}

/** Ends every sign-in of the caller, this browser's included ("I lost a laptop"). */
export async function signOutEverywhere(deps: ApiDeps, actor: Principal): Promise<{ endedSessions: number }> {
  const ended = await inTransaction(deps.db, deps.bus, async (tx) => {
    const count = await endUserLoginSessions(tx, actor.user.id, "signed_out_everywhere");
    await audit(tx, deps.config.auditKey, actor, {
      type: "user.signed_out_everywhere",
      entityType: "user",
      entityId: actor.user.id,
      data: { endedSessions: count },
    });
    return count;
  });
  deps.access.changed(actor.user.id);
  return { endedSessions: ended };
}

export async function ownLoginSessions(deps: ApiDeps, actor: Principal) {
  const rows = await listOpenLoginSessions(deps.db, actor.user.id);
  return rows.map((r) => ({ ...r, current: r.id === actor.sessionId }));
}
