import { ROOMS, type Runner, type RunnerStatus } from "@stratavore/contracts";
import { transitionRunner, type PrismaNs } from "@stratavore/db";
import { checkedEvent, type OutgoingEvent } from "../realtime/bus.ts";
import type { ApiDeps } from "../deps.ts";
import { audit, type Actor } from "../shared/audit.ts";
import type { TxClient } from "../shared/transaction.ts";

/** Announces a runner's new state to the fleet, its project and its own room. */
export function announceRunner(outbox: OutgoingEvent[], seq: number, runner: Runner): void {
  for (const room of [ROOMS.fleet, ROOMS.project(runner.projectId), ROOMS.runner(runner.id)]) {
    outbox.push(checkedEvent(room, "runner:status", { seq, runner }));
  }
}

/**
 * One status transition: optimistic update (only from `from`), its audit event, its
 * announcement — all in the caller's transaction. Null when the runner was not in `from`.
 */
export async function moveRunner(
  deps: ApiDeps,
  tx: TxClient,
  outbox: OutgoingEvent[],
  actor: Actor,
  change: {
    runnerId: string;
    from: readonly RunnerStatus[];
    data: PrismaNs.RunnerUncheckedUpdateManyInput;
    event: string;
    details?: Record<string, unknown>;
  },
): Promise<Runner | null> {
  const runner = await transitionRunner(tx, change.runnerId, change.from, change.data);
  if (!runner) return null;
  const seq = await audit(tx, deps.config.auditKey, actor, {
    type: change.event,
    entityType: "runner",
    entityId: runner.id,
    data: { status: runner.status, ...(change.details ?? {}) } as PrismaNs.InputJsonValue,
  });
  announceRunner(outbox, seq, runner);
  return runner;
}
