import { ROOMS, type RunnerActivityReport } from "@stratavore/contracts";
import { setRunnerActivity } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { checkedEvent } from "../realtime/bus.ts";

type Reported = RunnerActivityReport & { runnerId: string };

/** When the screen last changed, on the server's clock (the agent sends a span, not a time). */
export const activityAt = (a: RunnerActivityReport, at: Date): Date => new Date(at.getTime() - a.quietMs);

/** Dashboards learn what runners are doing: one message for a beat's worth, or one runner's change. */
export function publishActivity(deps: ApiDeps, items: Reported[], at: Date): void {
  if (!items.length) return;
  deps.bus.publish([
    checkedEvent(ROOMS.fleet, "runner:activity", {
      seq: deps.fleet.nextMetricsSeq(),
      items: items.map((i) => ({
        runnerId: i.runnerId,
        activity: i.state,
        activityLine: i.line,
        activityAt: activityAt(i, at),
      })),
    }),
  ]);
}

/**
 * A runner started or stopped waiting on its user between beats (its agent says so at once).
 * Only a runner of this node that is still active is touched; anything else is dropped quietly,
 * like a late output chunk. Not audited: it describes, it does not change state.
 */
export async function recordActivity(deps: ApiDeps, nodeId: string, report: Reported, at = new Date()): Promise<void> {
  const row = await setRunnerActivity(deps.db, nodeId, report.runnerId, report, at);
  if (row) publishActivity(deps, [report], at);
}
