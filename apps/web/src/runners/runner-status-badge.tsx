import { runnerWhy, type Runner } from "@stratavore/contracts";
import { Badge } from "@stratavore/ui";

/** The live status; why it is paused, lost or failed is in its tooltip. */
export function RunnerStatusBadge({ runner, testId }: { runner: Runner; testId?: string }) {
  return (
    <Badge data-testid={testId} title={runnerWhy(runner) ?? undefined}>
      {runner.status}
    </Badge>
  );
}
