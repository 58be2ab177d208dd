export { agentCommandLine } from "@stratavore/contracts";
import type { JoinToken } from "@stratavore/contracts";

export type JoinTokenState = "revoked" | "used" | "expired" | "unused";

/** Revoked and used are final; an unused token expires with the clock. */
export function joinTokenState(t: JoinToken, now: number): JoinTokenState {
  if (t.revokedAt) return "revoked";
  if (t.usedAt) return "used";
  return t.expiresAt.getTime() <= now ? "expired" : "unused";
}
