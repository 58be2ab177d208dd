import type { ApiToken, TokenScope } from "@stratavore/contracts";
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
  },
): Promise<ApiToken> {
  return toToken(await db.apiToken.create({ data, select: tokenSelect }));
}

export async function listApiTokens(db: Tx, userId: string): Promise<ApiToken[]> {
  const rows = await db.apiToken.findMany({ where: { userId }, select: tokenSelect, orderBy: { createdAt: "desc" } });
  return rows.map(toToken);
}

/** Returns false when the token does not exist, is someone else's, or is already revoked. */
export async function revokeApiToken(db: Tx, id: string, userId: string): Promise<boolean> {
  const res = await db.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  return res.count === 1;
}

export async function findUsableApiToken(db: Tx, tokenHash: string, now = new Date()) {
  return db.apiToken.findFirst({
    where: { tokenHash, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: { ...tokenSelect, userId: true },
  });
}

/** lastUsedAt is written at most once a minute per token, so reads do not become writes. */
export async function touchApiToken(db: Tx, id: string, now = new Date()): Promise<void> {
  await db.apiToken.updateMany({
    where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - 60_000) } }] },
    data: { lastUsedAt: now },
  });
}
