import { appendEvent, type AuditInput } from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import type { TxClient } from "./transaction.ts";

/** Appends an audit event attributed to the caller; returns the event's sequence number. */
export async function audit(
  tx: TxClient,
  key: string,
  actor: Principal | null,
  event: Omit<AuditInput, "actorType" | "actorId">,
): Promise<number> {
  const actorFields = actor
    ? { actorType: actor.via === "token" ? ("token" as const) : ("user" as const), actorId: actor.user.id }
    : { actorType: "system" as const, actorId: null };
  const row = await appendEvent(tx, key, { ...event, ...actorFields });
  return row.seq;
}
