import { endUserLoginSessions, revokeUserApiTokens, type LoginSessionEnd } from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction, type TxClient } from "../shared/transaction.ts";

/**
 * A change that ends a user's browser sign-ins (password changed or reset, sign out
 * everywhere): the change, the ending and its audit event in one transaction; then, once
 * committed, the user's open sockets are re-checked. `keep` is a sign-in to spare (the one
 * making the change); `revokeTokens` ends their API tokens too (an admin's reset).
 */
export async function endingSignIns<T>(
  deps: ApiDeps,
  actor: Principal,
  userId: string,
  how: { reason: LoginSessionEnd; event: string; keep?: string; revokeTokens?: boolean },
  change: (tx: TxClient) => Promise<T>,
): Promise<{ value: T; endedSessions: number }> {
  const done = await inTransaction(deps.db, deps.bus, async (tx) => {
    const value = await change(tx);
    const endedSessions = await endUserLoginSessions(tx, userId, how.reason, how.keep);
    const revokedTokens = how.revokeTokens ? (await revokeUserApiTokens(tx, userId)).length : undefined;
    await audit(tx, deps.config.auditKey, actor, {
      type: how.event,
      entityType: "user",
      entityId: userId,
      data: { endedSessions, ...(revokedTokens === undefined ? {} : { revokedTokens }) },
    });
    return { value, endedSessions };
  });
  deps.access.changed(userId);
  return done;
}
