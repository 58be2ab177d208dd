import { ROOMS, runnerActivityStateSchema, type RunnerActivityReport } from "@stratavore/contracts";
import { setRunnerActivity, type BeatRow } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { checkedEvent } from "../realtime/bus.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";

type Reported = RunnerActivityReport & { runnerId: string };
type Recorded = { runnerId: string; activity: string | null; activityLine: string | null; activityAt: Date | null };

/** Dashboards learn what runners are doing, as recorded (so only rows this node's report touched). */
export function publishActivity(deps: ApiDeps, rows: Recorded[]): void {
  const items = rows.flatMap((r) => {
    const state = runnerActivityStateSchema.safeParse(r.activity);
    return state.success && r.activityAt
      ? [{ runnerId: r.runnerId, activity: state.data, activityLine: r.activityLine, activityAt: r.activityAt }]
      : [];
  });
  if (!items.length) return;
  deps.bus.publish([checkedEvent(ROOMS.fleet, "runner:activity", { seq: deps.fleet.nextMetricsSeq(), items })]);
}

/** A beat's rows (the UPDATE's RETURNING) in the form dashboards take. */
export const recordedActivity = (rows: BeatRow[]): Recorded[] =>
  rows.map((r) => ({
    runnerId: r.id,
    activity: r.activity,
    activityLine: r.activityLine,
    activityAt: r.activityMs === null ? null : new Date(r.activityMs),
  }));

/**
 * A runner started or stopped waiting on its user between beats (its agent says so at once).
 * Only a runner of this node that is still active is touched, and only by a screen no older
 * than the one recorded; anything else is dropped quietly, like a late output chunk. Not
 * audited: it describes, it does not change state.
 */
export async function recordActivity(deps: ApiDeps, nodeId: string, report: Reported, at = new Date()): Promise<void> {
  const row = await setRunnerActivity(deps.db, nodeId, report.runnerId, report, at);
  if (!row) return;
  publishActivity(deps, [
    { runnerId: report.runnerId, activity: report.state, activityLine: report.line, activityAt: row.activityAt },
  ]);
  // It has just started waiting on its user: say so where people look (audited, so announced
  // as `runner.waiting` to the channels that take it). A new question while waiting is not news.
  if (report.state === "waiting" && row.before !== "waiting")
    await inTransaction(deps.db, deps.bus, (tx) =>
      audit(
        tx,
        deps.config.auditKey,
        { nodeId },
        {
          type: "runner.waiting",
          entityType: "runner",
          entityId: report.runnerId,
          data: { question: report.line },
        },
      ),
    );
}
