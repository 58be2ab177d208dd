import type { RunnerActivity } from "@stratavore/runner";
import type { RunnerActivityReport } from "@stratavore/contracts";

/** The wire form: how long ago the screen changed, not when (the server's clock decides when). */
export const toReport = (a: RunnerActivity, now: number): RunnerActivityReport => ({
  state: a.state,
  line: a.line,
  quietMs: Math.max(0, now - a.at),
});

/**
 * Called every second: reports each runner whose state changed since the last report (and a
 * waiting one whose question changed), so "waiting for you" shows within a second instead of
 * at the next beat. The beat carries the rest (latest line, quiet time) for everyone.
 */
export function activityReporter(
  read: () => { runnerId: string; activity: RunnerActivity }[],
  send: (r: RunnerActivityReport & { runnerId: string }) => void,
  now: () => number = Date.now,
): () => void {
  const sent = new Map<string, string>();
  return () => {
    const live = new Set<string>();
    for (const { runnerId, activity } of read()) {
      live.add(runnerId);
      const key = activity.state === "waiting" ? `waiting\n${activity.line ?? ""}` : activity.state;
      if (sent.get(runnerId) === key) continue;
      sent.set(runnerId, key);
      send({ runnerId, ...toReport(activity, now()) });
    }
    for (const id of sent.keys()) if (!live.has(id)) sent.delete(id);
  };
}
