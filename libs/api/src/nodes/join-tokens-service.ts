import { randomBytes } from "node:crypto";
import { AppError, JOIN_TOKEN_PREFIX, type JoinToken } from "@stratavore/contracts";
import { insertJoinToken, listJoinTokens, oldestAdminId, revokeJoinToken } from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import type { ApiDeps } from "../deps.ts";
import { hashApiToken as hashSecret } from "../auth/api-token-secret.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";

/** Join tokens and node credentials are full-entropy secrets, hashed like API tokens. */
export { hashSecret };

export async function createJoinToken(
  deps: ApiDeps,
  actor: Principal,
  ttlMinutes: number,
): Promise<{ token: JoinToken; secret: string }> {
  const secret = JOIN_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const token = await inTransaction(deps.db, deps.bus, async (tx) => {
    const created = await insertJoinToken(tx, {
      tokenHash: hashSecret(secret),
      expiresAt: new Date(Date.now() + ttlMinutes * 60_000),
      createdById: actor.user.id,
    });
    await audit(tx, deps.config.auditKey, actor, {
      type: "join_token.created",
      entityType: "join_token",
      entityId: created.id,
      data: { ttlMinutes },
    });
    return created;
  });
  return { token, secret };
}

export const listAllJoinTokens = (deps: ApiDeps) => listJoinTokens(deps.db);

export async function revokeUnusedJoinToken(deps: ApiDeps, actor: Principal, id: string): Promise<void> {
  await inTransaction(deps.db, deps.bus, async (tx) => {
    if (!(await revokeJoinToken(tx, id)))
      throw new AppError("NOT_FOUND", "No unused, unrevoked join token with this id.");
    await audit(tx, deps.config.auditKey, actor, {
      type: "join_token.revoked",
      entityType: "join_token",
      entityId: id,
    });
  });
}

/**
 * A join token issued by the server itself for the local agent `npm start` launches,
 * attributed to the oldest admin (join tokens always have a creator).
 */
export async function issueLocalJoinToken(deps: ApiDeps, ttlMinutes = 10): Promise<string> {
  const adminId = await oldestAdminId(deps.db);
  if (!adminId) throw new AppError("NOT_FOUND", "There is no admin to issue the local agent's join token.");
  const secret = JOIN_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  await inTransaction(deps.db, deps.bus, async (tx) => {
    const created = await insertJoinToken(tx, {
      tokenHash: hashSecret(secret),
      expiresAt: new Date(Date.now() + ttlMinutes * 60_000),
      createdById: adminId,
    });
    await audit(tx, deps.config.auditKey, null, {
      type: "join_token.created",
      entityType: "join_token",
      entityId: created.id,
      data: { ttlMinutes, local: true },
    });
  });
  return secret;
}
