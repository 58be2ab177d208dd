import type { Runner } from "@stratavore/contracts";
import { Badge } from "@stratavore/ui";

/** The live status; a failed runner waiting to be relaunched says so in its tooltip. */
export function RunnerStatusBadge({ runner, testId }: { runner: Runner; testId?: string }) {
  const title = runner.nextRestartAt && runner.status === "failed" ? `Restart scheduled ${runner.nextRestartAt.toLocaleTimeString()}` : runner.endReason ?? undefined;
  return <Badge data-testid={testId} title={title}>{runner.status}</Badge>;
}
