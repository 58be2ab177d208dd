"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, EmptyState, ErrorState, LoadingState } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useTRPC } from "../trpc";

/** `runner.stop_requested` → "stop requested": the audit type without its noun. */
const eventLabel = (type: string) => type.replace(/^runner\./, "").replace(/_/g, " ");

/** Details worth a glance; the rest of the audit data stays in the audit log. */
function summary(data: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of ["status", "reason", "exitCode", "sessionId", "mode"]) {
    const v = data[key];
    if (v !== undefined && v !== null && v !== "") parts.push(`${key}: ${String(v)}`);
  }
  if (data.restartScheduled === true) parts.push("restart scheduled");
  return parts.join(" · ");
}

/** The runner's transitions from the audit log; refetched when a status event for it arrives. */
export function RunnerTimeline({ runnerId }: { runnerId: string }) {
  const trpc = useTRPC();
  const timeline = useQuery(trpc.runners.timeline.queryOptions({ id: runnerId }));
  return (
    <Card title="Timeline">
      {timeline.isPending ? (
        <LoadingState />
      ) : timeline.isError ? (
        <ErrorState {...errorMessage(timeline.error)} onRetry={() => timeline.refetch()} />
      ) : timeline.data.length === 0 ? (
        <EmptyState title="No transitions recorded yet" />
      ) : (
        <ol className="timeline" data-testid="runner-timeline">
          {timeline.data.map((e) => (
            <li key={e.seq}>
              <span className="timeline-when nowrap">{e.at.toLocaleTimeString()}</span>
              <span className="strong">{eventLabel(e.type)}</span>
              <span className="muted">{summary(e.data)}</span>
              {e.actor ? <span className="muted small right">{e.actor}</span> : null}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
