import { isActiveRunnerStatus, type Runner } from "@stratavore/contracts";
import { formatDuration } from "@stratavore/ui";

/** Time since start; frozen at the end time once the runner has ended. */
export function runnerUptime(r: Runner, now: number): string {
  if (!r.startedAt) return "—";
  const end = r.endedAt ? r.endedAt.getTime() : now;
  return formatDuration(end - r.startedAt.getTime());
}

/** CPU and memory mean something only while the process lives. */
export const showsMetrics = (r: Runner) => isActiveRunnerStatus(r.status);

export const restartsLabel = (r: Runner) => `${r.restartAttempts} / ${r.maxRestarts}`;

/** End reasons are snake_case codes (`heartbeat_lost`); people read them better spaced. */
export const endReasonLabel = (reason: string | null) => (reason ? reason.replace(/_/g, " ") : "—");

export const shortId = (id: string) => id.slice(0, 8);
