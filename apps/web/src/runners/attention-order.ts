import { runnerDoing, type Runner } from "@stratavore/contracts";

const RANK = { you: 0, problem: 1, none: 2 } as const;

/** Runners that need someone first (waiting on their user, paused; then broken), then the rest newest first. */
export function byAttention(runners: readonly Runner[]): Runner[] {
  return [...runners].sort((a, b) => {
    const ra = RANK[runnerDoing(a).attention ?? "none"];
    const rb = RANK[runnerDoing(b).attention ?? "none"];
    return ra - rb || b.createdAt.getTime() - a.createdAt.getTime();
  });
}

/** Those a person should look at now. */
export const needingSomeone = (runners: readonly Runner[]): Runner[] =>
  byAttention(runners).filter((r) => runnerDoing(r).attention !== null);
