import type { Runner } from "./runner.ts";

/** How dates read: the dashboard uses the browser's locale, the CLI ISO time. */
export interface WhyFormat {
  at: (d: Date) => string;
  time: (d: Date) => string;
}
const LOCAL: WhyFormat = { at: (d) => d.toLocaleString(), time: (d) => d.toLocaleTimeString() };
/** End reasons are codes or clauses (`heartbeat_lost`, `exit code 3`): spaced, as a sentence. */
const sentence = (s: string) => {
  const t = s.replace(/_/g, " ");
  return /[.!?)]$/.test(t) ? t : `${t}.`;
};

/**
 * Why a runner is in its state, in words (paused by whom, which node went quiet and since
 * when, what failed and what happens next); null while it simply starts or runs.
 */
export function runnerWhy(r: Runner, { at, time }: WhyFormat = LOCAL): string | null {
  switch (r.status) {
    case "paused":
      return r.pauseReason ? `${r.pauseReason[0]?.toUpperCase()}${r.pauseReason.slice(1)}.` : "Paused.";
    case "lost":
      return `Node ${r.nodeName ?? "(removed)"} has not been heard from since ${r.lostAt ? at(r.lostAt) : "a while"}. Claude may still be running there: it still counts against the quota and can be stopped; when the node comes back it is adopted as it is.`;
    case "failed": {
      const why = r.endReason ? sentence(r.endReason) : "It failed.";
      if (!r.nextRestartAt) return why;
      // Why a try was refused (no node with room, the quota, a budget) is in its timeline.
      if (r.restartDeferredSince)
        return `${why} Its restart waits since ${at(r.restartDeferredSince)}: the last try could not be placed (a node with room, the project's quota or a budget; see its timeline); no restart attempt used; next try at ${time(r.nextRestartAt)}.`;
      if (lostWithItsNode(r.endReason))
        return `${why} Restarting at ${time(r.nextRestartAt)} (its node's doing, not its own: no restart attempt used).`;
      return `${why} Restart ${r.restartAttempts + 1} of ${r.maxRestarts} at ${time(r.nextRestartAt)}.`;
    }
    case "terminated":
      return r.endReason ? sentence(r.endReason) : null;
    default:
      return null;
  }
}

/**
 * Ends that were its node's doing, not the runner's: its agent came back without it
 * (`agent_restarted`) or its node stayed away (`heartbeat_lost`). Restarting after them uses no
 * attempt, so server, agent and machine restarts never add up to a "crash loop" of a healthy
 * runner (seen: four server restarts in 11 minutes ended an idle runner as crash-looping).
 */
export function lostWithItsNode(endReason: string | null): boolean {
  return /^(agent_restarted|heartbeat_lost)\b/.test(endReason ?? "");
}
