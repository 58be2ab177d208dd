import { AppError, type ApiToken, type TokenScope } from "@stratavore/contracts";
import { insertApiToken, listApiTokens, lockMintingToken, revokeApiToken } from "@stratavore/db";
import { generateApiTokenSecret } from "../auth/api-token-secret.ts";
import type { Principal } from "../auth/principal.ts";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";

const DAY_MS = 86_400_000;

export async function createApiToken(
  deps: ApiDeps,
  actor: Principal,
  input: { name: string; scopes: TokenScope[]; expiresInDays?: number },
): Promise<{ token: ApiToken; secret: string }> {
  const scopes = [...new Set(input.scopes)];
  const expiresAt = mintedExpiry(actor, input.expiresInDays);
  if (actor.via === "token" && !scopes.every((s) => actor.scopes.includes(s)))
    throw new AppError("TOKEN_SCOPE", "A token can only create tokens with scopes it has itself.");
  const { secret, prefix, hash } = generateApiTokenSecret();
  const token = await inTransaction(deps.db, deps.bus, async (tx) => {
    // Revoked (or expired) since this request was authenticated: a revocation must take every
    // token minted with it, including one minted while it was being revoked (the attacker review).
    const parentId = actor.via === "token" ? (actor.tokenId ?? null) : null;
    if (parentId && !(await lockMintingToken(tx, parentId)))
      throw new AppError("UNAUTHENTICATED", "This token was revoked or has expired.");
    const created = await insertApiToken(tx, {
      userId: actor.user.id,
      name: input.name,
      scopes,
      prefix,
      tokenHash: hash,
      expiresAt,
      parentId,
    });
    await audit(tx, deps.config.auditKey, actor, {
      type: "api_token.created",
      entityType: "api_token",
      entityId: created.id,
      data: { name: input.name, scopes, mintedBy: actor.via === "token" ? actor.tokenId : undefined },
    });
    return created;
  });
  return { token, secret };
}

/**
 * A browser session may set any expiry. A token may mint tokens that end no later than itself
 * (no expiry given: the same as its own), so a leaked token cannot buy itself a longer life.
 */
function mintedExpiry(actor: Principal, days: number | undefined): Date | null {
  const asked = days ? new Date(Date.now() + days * DAY_MS) : null;
  const limit = actor.via === "token" ? (actor.tokenExpiresAt ?? null) : null;
  if (!limit) return asked;
  if (!asked) return limit;
  if (asked > limit)
    throw new AppError(
      "VALIDATION",
      `A token can only create tokens that expire no later than itself (${limit.toISOString()}).`,
    );
  return asked;
}

export function listOwnApiTokens(deps: ApiDeps, actor: Principal): Promise<ApiToken[]> {
  return listApiTokens(deps.db, actor.user.id);
}

/** Revokes the token and, transitively, every token minted with it. */
export async function revokeOwnApiToken(deps: ApiDeps, actor: Principal, id: string): Promise<void> {
  await inTransaction(deps.db, deps.bus, async (tx) => {
    const revoked = await revokeApiToken(tx, id, actor.user.id);
    if (!revoked) throw new AppError("NOT_FOUND", "No such active token.");
    await audit(tx, deps.config.auditKey, actor, {
      type: "api_token.revoked",
      entityType: "api_token",
      entityId: id,
      ...(revoked.length > 1 ? { data: { minted: revoked.slice(1) } } : {}),
    });
  });
  deps.access.changed(actor.user.id);
}
