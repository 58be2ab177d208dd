import { checkedAck, type AgentToServerEvents } from "@stratavore/contracts";
import type { z } from "zod";
import type { ServerSocket } from "./agent-connection.ts";

type Asked = "usage:batch" | "transcript:batch" | "runner:allowance_spent" | "runner:exited" | "runner:session";

const FAILED = {
  disconnected: ["DISCONNECTED", "not connected"],
  timeout: ["TIMEOUT", "no answer"],
  invalid: ["INVALID_ACK", "the server answered outside the agent protocol"],
} as const;

/**
 * The agent's reports that the server answers (checkedAck): no connection, no answer in time
 * or an answer outside the contract each become a failure the caller keeps and retries.
 */
export function askServer(socket: () => ServerSocket | null) {
  return function ask<E extends Asked, A>(
    event: E,
    payload: Parameters<AgentToServerEvents[E]>[0],
    timeoutMs: number,
    schema: z.ZodType<A>,
    failed: (code: string, message: string) => A,
  ): Promise<A> {
    const s = socket();
    const timed = s?.connected ? s.timeout(timeoutMs) : null;
    // Socket.IO's typings cannot follow a generic event name to its payload; the schema checks the answer.
    const send = timed
      ? () => (timed.emitWithAck as (ev: E, p: typeof payload) => Promise<unknown>).call(timed, event, payload)
      : null;
    return checkedAck(send, schema, (why) => failed(FAILED[why][0], FAILED[why][1]));
  };
}
