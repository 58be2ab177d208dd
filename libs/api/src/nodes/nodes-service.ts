import { AppError, ROOMS, type Node, type NodeStatus } from "@stratavore/contracts";
import { findNode, listNodes, updateNodeRow, toNode } from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import { checkedEvent, type OutgoingEvent } from "../realtime/bus.ts";
import type { ApiDeps } from "../deps.ts";
import { audit, type Actor } from "../shared/audit.ts";
import { inTransaction, type TxClient } from "../shared/transaction.ts";

export const listAllNodes = (deps: ApiDeps) => listNodes(deps.db, deps.fleet.agents.isConnected);

export async function getNode(deps: ApiDeps, ref: string): Promise<Node> {
  const node = await findNode(deps.db, ref, deps.fleet.agents.isConnected);
  if (!node) throw new AppError("NOT_FOUND", `No node '${ref}'.`);
  return node;
}

/** Writes a node's status with its audit event and announcement, in the caller's transaction. */
export async function setNodeStatus(
  deps: ApiDeps,
  tx: TxClient,
  outbox: OutgoingEvent[],
  actor: Actor,
  nodeId: string,
  status: NodeStatus,
  event: string,
  extra: { revokedAt?: Date; lastSeenAt?: Date; agentInstanceId?: string | null } = {},
): Promise<Node> {
  const row = await updateNodeRow(tx, nodeId, { status, ...extra });
  const seq = await audit(tx, deps.config.auditKey, actor, {
    type: event,
    entityType: "node",
    entityId: nodeId,
    data: { status },
  });
  const node = toNode(row, deps.fleet.agents.isConnected(nodeId));
  outbox.push(checkedEvent(ROOMS.fleet, "node:status", { seq, node }));
  return node;
}

/** Draining: runners keep going, no new launches land here. */
export async function setDraining(deps: ApiDeps, actor: Principal, ref: string, draining: boolean): Promise<Node> {
  const node = await getNode(deps, ref);
  if (node.revokedAt) throw new AppError("INVALID_TRANSITION", "The node is revoked.");
  const next: NodeStatus = draining ? "draining" : node.connected ? "online" : "offline";
  return inTransaction(deps.db, deps.bus, (tx, outbox) =>
    setNodeStatus(deps, tx, outbox, actor, node.id, next, draining ? "node.draining" : "node.undrained"),
  );
}

/** Revoking cuts the agent off at once; its credential never works again. */
export async function revokeNode(deps: ApiDeps, actor: Principal, ref: string): Promise<Node> {
  const node = await getNode(deps, ref);
  if (node.revokedAt) return node;
  const updated = await inTransaction(deps.db, deps.bus, (tx, outbox) =>
    setNodeStatus(deps, tx, outbox, actor, node.id, "offline", "node.revoked", { revokedAt: new Date() }),
  );
  deps.fleet.agents.disconnect(node.id);
  return updated;
}
