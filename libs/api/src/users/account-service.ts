import { AppError } from "@stratavore/contracts";
import { findLoginCandidate, listOpenLoginSessions, updateUser } from "@stratavore/db";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import type { Principal } from "../auth/principal.ts";
import type { ApiDeps } from "../deps.ts";
import { endingSignIns } from "./ending-sign-ins.ts";

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
  const { endedSessions } = await endingSignIns(
    deps,
    actor,
    actor.user.id,
    { reason: "password_changed", event: "user.password_changed", keep: actor.sessionId },
    (tx) => updateUser(tx, actor.user.id, { passwordHash }),
  );
  return { endedSessions };
}

/** Ends every sign-in of the caller, this browser's included ("I lost a laptop"). */
export async function signOutEverywhere(deps: ApiDeps, actor: Principal): Promise<{ endedSessions: number }> {
  const { endedSessions } = await endingSignIns(
    deps,
    actor,
    actor.user.id,
    { reason: "signed_out_everywhere", event: "user.signed_out_everywhere" },
    async () => undefined,
  );
  return { endedSessions };
}

export async function ownLoginSessions(deps: ApiDeps, actor: Principal) {
  const rows = await listOpenLoginSessions(deps.db, actor.user.id);
  return rows.map((r) => ({ ...r, current: r.id === actor.sessionId }));
}
