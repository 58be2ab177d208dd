import type { ApiToken, TokenScope } from "@stratavore/contracts";
import { lastSeenBefore, lastSeenDue } from "./last-seen.ts";
import type { Tx } from "./tx.ts";

const tokenSelect = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  createdAt: true,
} as const;

type TokenRow = Omit<ApiToken, "scopes"> & { scopes: string[] };

const toToken = (row: TokenRow): ApiToken => ({ ...row, scopes: row.scopes as TokenScope[] });

export async function insertApiToken(
  db: Tx,
  data: {
    userId: string;
    name: string;
    scopes: TokenScope[];
    prefix: string;
    tokenHash: string;
    expiresAt: Date | null;
    /** The token that minted this one, when a token (not a browser session) created it. */
    parentId?: string | null;
  },
): Promise<ApiToken> {
  return toToken(await db.apiToken.create({ data, select: tokenSelect }));
}

export async function listApiTokens(db: Tx, userId: string): Promise<ApiToken[]> {
  const rows = await db.apiToken.findMany({ where: { userId }, select: tokenSelect, orderBy: { createdAt: "desc" } });
  return rows.map(toToken);
}

/**
 * Share-locks a token that is minting another (in the minting transaction; mints from one token
 * do not wait for each other) and says whether it is still usable: a revocation then either
 * waits for the new token to be committed and revokes it with the rest, or has committed first
 * and the mint is refused.
 */
export async function lockMintingToken(db: Tx, id: string, now = new Date()): Promise<boolean> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    SELECT id::text FROM "ApiToken"
    WHERE id = ${id}::uuid AND "revokedAt" IS NULL AND ("expiresAt" IS NULL OR "expiresAt" > ${now})
    FOR SHARE`;
  return rows.length === 1;
}

/**
 * Revokes a token and every token minted from it, transitively (a token cannot outlive the one
 * that made it). Returns null when the token does not exist, is someone else's, or is already
 * revoked; otherwise the ids revoked (the token first).
 */
export async function revokeApiToken(db: Tx, id: string, userId: string): Promise<string[] | null> {
  const res = await db.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (res.count !== 1) return null;
  // Tokens are minted under their parent's row lock (lockMintingToken). A statement sees the
  // tokens committed when it began; one that waited on a parent's lock while a child was minted
  // missed that child, so the tree is walked again until a walk revokes nothing. Mints that
  // begin after a parent is revoked here wait for this transaction, then find it revoked.
  const revoked: string[] = [id];
  for (;;) {
    const minted = await db.$queryRaw<Array<{ id: string }>>`
      WITH RECURSIVE tree AS (
        SELECT id FROM "ApiToken" WHERE "parentId" = ${id}::uuid
        UNION SELECT t.id FROM "ApiToken" t JOIN tree ON t."parentId" = tree.id)
      UPDATE "ApiToken" SET "revokedAt" = now() AT TIME ZONE 'UTC' WHERE id IN (SELECT id FROM tree) AND "revokedAt" IS NULL
      RETURNING id::text`;
    if (minted.length === 0) return revoked;
    revoked.push(...minted.map((m) => m.id));
  }
}

/**
 * Revokes every token of a user (an admin's password reset: a token minted by whoever knew the
 * old password must not outlive it). Walked again until a pass revokes nothing, for the mint
 * that committed while this statement ran (as revokeApiToken). Returns the ids revoked.
 */
export async function revokeUserApiTokens(db: Tx, userId: string): Promise<string[]> {
  const revoked: string[] = [];
  for (;;) {
    const rows = await db.$queryRaw<Array<{ id: string }>>`
      UPDATE "ApiToken" SET "revokedAt" = now() AT TIME ZONE 'UTC'
      WHERE "userId" = ${userId}::uuid AND "revokedAt" IS NULL
      RETURNING id::text`;
    if (rows.length === 0) return revoked;
    revoked.push(...rows.map((r) => r.id));
  }
}

export async function findUsableApiToken(db: Tx, tokenHash: string, now = new Date()) {
  return db.apiToken.findFirst({
    where: { tokenHash, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: { ...tokenSelect, userId: true },
  });
}

/** The same token, by id, while usable: what an open socket re-checks. */
export async function isApiTokenUsable(db: Tx, id: string, now = new Date()): Promise<boolean> {
  return (
    (await db.apiToken.count({
      where: { id, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    })) > 0
  );
}

/** Records a use of the token; no statement at all when its lastUsedAt (as read) is recent. */
export async function touchApiToken(db: Tx, id: string, lastUsedAt: Date | null, now = new Date()): Promise<void> {
  if (!lastSeenDue(lastUsedAt, now)) return;
  await db.apiToken.updateMany({
    where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: lastSeenBefore(now) } }] },
    data: { lastUsedAt: now },
  });
}
