import type { z } from "zod";

/** Why a request got no usable answer: no connection, silence past its timeout, or an answer outside the contract. */
export type AckFailure = "disconnected" | "timeout" | "invalid";

/**
 * One request with an answer over the agent protocol, from either side: `send` emits it and
 * resolves with the raw answer (null when not connected). The answer is parsed with `schema`;
 * every way of not getting one becomes the caller's own failure value — never a throw, never
 * an unknown code passed on (the other side is another program, possibly another version).
 */
/** Raised by a send that found nobody to send to (in a cluster: no instance holds the peer's socket). */
export class PeerGoneError extends Error {}

export async function checkedAck<A>(
  send: (() => Promise<unknown>) | null,
  schema: z.ZodType<A>,
  failed: (why: AckFailure) => A,
): Promise<A> {
  if (!send) return failed("disconnected");
  let answer: unknown;
  try {
    answer = await send();
  } catch (err) {
    return failed(err instanceof PeerGoneError ? "disconnected" : "timeout");
  }
  const parsed = schema.safeParse(answer);
  return parsed.success ? parsed.data : failed("invalid");
}
