import type { Runner } from "@stratavore/contracts";

/**
 * Names one launch of a runner: a restart reuses the row but is another launch. Sent with the
 * launch command and said back in its exit report, so an exit about an earlier run (answered
 * late, said again) cannot end the run that replaced it — even before that run's pid is known.
 */
export function launchToken(runner: Pick<Runner, "launchedAt" | "createdAt">): string {
  return launchedAt(runner).toISOString();
}

/** When the runner's current launch was sent: its latest restart's, else the row's creation. */
export function launchedAt(runner: Pick<Runner, "launchedAt" | "createdAt">): Date {
  return runner.launchedAt ?? runner.createdAt;
}
