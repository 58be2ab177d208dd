import type { Runner } from "./runner.ts";

const RESTART_CANCELLED = "; restart cancelled: ";

/** A failed runner's end reason once someone (or a budget) chose not to restart it. */
export const restartCancelledReason = (endReason: string | null, why: string): string =>
  `${endReason ?? "failed"}${RESTART_CANCELLED}${why}`;

/** Whether someone already decided about this failure: it no longer asks for attention. */
const restartWasCancelled = (endReason: string | null): boolean => Boolean(endReason?.includes(RESTART_CANCELLED));

/** Who should look: the user (it waits on them, or was paused), an operator (it broke), or nobody. */
export type RunnerAttention = "you" | "problem" | null;

export interface RunnerDoing {
  /** Its state in words: "Waiting for you", "Working", "Idle at the prompt", "Paused by a budget"… */
  label: string;
  attention: RunnerAttention;
  /** The question it waits on, its latest line, or why it stopped. */
  detail: string | null;
  /** Since when it has been so, when known (its screen's last change while it runs). */
  since: Date | null;
}

/**
 * What a runner is doing, in words, for lists that must tell at a glance which runner needs
 * someone: the dashboard, the runners list, `stratavore runners`. While it runs this comes from
 * its screen (activity); otherwise from its status and reasons.
 */
export function runnerDoing(r: Runner): RunnerDoing {
  const seen = { detail: r.activityLine, since: r.activityAt };
  switch (r.status) {
    case "running":
      if (r.activity === "waiting") return { label: "Waiting for you", attention: "you", ...seen };
      // The watchdog's findings (runners/watchdog.ts) outrank what the screen shows.
      if (r.watchdog === "error_loop")
        return {
          label: "Looping on API errors",
          attention: "problem",
          detail: r.watchdogDetail,
          since: r.watchdogSince,
        };
      if (r.watchdog === "stalled")
        return { label: "Stalled", attention: "problem", detail: r.watchdogDetail, since: r.watchdogSince };
      if (r.activity === "working") return { label: "Working", attention: null, ...seen };
      if (r.activity === "idle") return { label: "Idle at the prompt", attention: null, ...seen };
      return { label: "Running", attention: null, detail: null, since: r.startedAt };
    case "starting":
      // A restart starts at its relaunch, not at the runner's first launch ("starting 4 min ago": the phone review).
      return { label: "Starting", attention: null, detail: null, since: r.launchedAt ?? r.createdAt };
    case "paused":
      return {
        label: r.pausedByBudgetId ? "Paused by a budget" : "Paused",
        attention: "you",
        detail: r.pauseReason,
        since: null,
      };
    case "stopping":
      return { label: "Stopping", attention: null, detail: null, since: null };
    case "lost":
      return {
        label: "Lost contact",
        attention: "problem",
        detail: `node ${r.nodeName ?? "(removed)"} is silent`,
        since: r.lostAt,
      };
    case "failed":
      if (r.nextRestartAt)
        return { label: "Failed, restarting", attention: null, detail: r.endReason, since: r.endedAt };
      // "Don't restart" answered it (the phone review: it stayed under "needs attention").
      if (restartWasCancelled(r.endReason))
        return { label: "Failed, not restarted", attention: null, detail: r.endReason, since: r.endedAt };
      return { label: "Failed", attention: "problem", detail: r.endReason, since: r.endedAt };
    case "terminated":
      // Its reason only when it says more than the label ("terminated · Stopped · stopped" read thrice).
      return {
        label: "Stopped",
        attention: null,
        detail: r.endReason?.trim().toLowerCase() === "stopped" ? null : r.endReason,
        since: r.endedAt,
      };
  }
}

/** What it was set to do: its launch prompt, else its session's title. */
export const runnerTask = (r: Pick<Runner, "prompt" | "sessionTitle">): string | null =>
  r.prompt?.trim() || r.sessionTitle?.trim() || null;
