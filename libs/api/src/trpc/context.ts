import type { Principal } from "../auth/principal.ts";
import type { ApiDeps } from "../deps.ts";

export type { ApiDeps } from "../deps.ts";

/** A request's context: the wired dependencies and who is asking. */
export interface Context extends ApiDeps {
  principal: Principal | null;
  ip: string;
  /** Runs `fn` once the HTTP answer is sent (or the client left); absent for in-process callers. */
  whenAnswered?: (fn: () => void) => void;
}
