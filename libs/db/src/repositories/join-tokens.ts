import type { JoinToken } from "@stratavore/contracts";
import type { Tx } from "./tx.ts";

const joinTokenSelect = {
  id: true,
  expiresAt: true,
  usedAt: true,
  revokedAt: true,
  createdAt: true,
  node: { select: { name: true } },
} as const;

function toJoinToken(row: {
  id: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  node: { name: string } | null;
}): JoinToken {
  const { node, ...rest } = row;
  return { ...rest, nodeName: node?.name ?? null };
}

export async function insertJoinToken(
  db: Tx,
  data: { tokenHash: string; expiresAt: Date; createdById: string },
): Promise<JoinToken> {
  return toJoinToken(await db.joinToken.create({ data, select: joinTokenSelect }));
}

export async function listJoinTokens(db: Tx): Promise<JoinToken[]> {
  return (await db.joinToken.findMany({ select: joinTokenSelect, orderBy: { createdAt: "desc" }, take: 200 })).map(
    toJoinToken,
  );
}

export async function revokeJoinToken(db: Tx, id: string): Promise<boolean> {
  return (
    (await db.joinToken.updateMany({ where: { id, usedAt: null, revokedAt: null }, data: { revokedAt: new Date() } }))
      .count === 1
  );
}

/**
 * Marks a usable join token used, atomically: of two agents presenting the same token at
 * once, exactly one wins. Returns the token id, or null.
 */
export async function consumeJoinToken(db: Tx, tokenHash: string, now = new Date()): Promise<string | null> {
  const token = await db.joinToken.findUnique({ where: { tokenHash }, select: { id: true } });
  if (!token) return null;
  const res = await db.joinToken.updateMany({
    where: { id: token.id, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  return res.count === 1 ? token.id : null;
}

export async function attachJoinTokenNode(db: Tx, id: string, nodeId: string): Promise<void> {
  await db.joinToken.update({ where: { id }, data: { nodeId } });
}
