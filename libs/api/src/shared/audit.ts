import { appendEvent, type AuditInput } from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import type { TxClient } from "./transaction.ts";

/** Appends an audit event attributed to the caller; returns the event's sequence number. */
/** Who caused a change: a user (session or token), a node's agent, or the server itself. */
export type Actor = Principal | { nodeId: string } | null;

function actorFields(actor: Actor) {
  if (!actor) return { actorType: "system" as const, actorId: null };
  if ("nodeId" in actor) return { actorType: "node" as const, actorId: actor.nodeId };
  return { actorType: actor.via === "token" ? ("token" as const) : ("user" as const), actorId: actor.user.id };
}

export async function audit(
  tx: TxClient,
  key: string,
  actor: Actor,
  event: Omit<AuditInput, "actorType" | "actorId">,
): Promise<number> {
  const row = await appendEvent(tx, key, { ...event, ...actorFields(actor) });
  return row.seq;
}
