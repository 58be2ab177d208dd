import { AppError, type ApiToken, type TokenScope } from "@stratavore/contracts";
import { insertApiToken, listApiTokens, revokeApiToken } from "@stratavore/db";
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
  const { secret, prefix, hash } = generateApiTokenSecret();
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * DAY_MS) : null;
  const scopes = [...new Set(input.scopes)];
  const token = await inTransaction(deps.db, deps.bus, async (tx) => {
    const created = await insertApiToken(tx, {
      userId: actor.user.id,
      name: input.name,
      scopes,
      prefix,
      tokenHash: hash,
      expiresAt,
    });
    await audit(tx, deps.config.auditKey, actor, {
      type: "api_token.created",
      entityType: "api_token",
      entityId: created.id,
      data: { name: input.name, scopes },
    });
    return created;
  });
  return { token, secret };
}

export function listOwnApiTokens(deps: ApiDeps, actor: Principal): Promise<ApiToken[]> {
  return listApiTokens(deps.db, actor.user.id);
}

export async function revokeOwnApiToken(deps: ApiDeps, actor: Principal, id: string): Promise<void> {
  await inTransaction(deps.db, deps.bus, async (tx) => {
    if (!(await revokeApiToken(tx, id, actor.user.id))) throw new AppError("NOT_FOUND", "No such active token.");
    await audit(tx, deps.config.auditKey, actor, { type: "api_token.revoked", entityType: "api_token", entityId: id });
  });
}
