"use client";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, ErrorState, LoadingState, PageHeader, StatTile, formatRelative } from "@stratavore/ui";
import { errorMessage } from "../../../../src/hooks/use-error-message";
import { useTRPC } from "../../../../src/trpc";

const REFRESH_MS = 5000;

/** Settings → Jobs: the outbox and the delivery queue, dead letters (retry them), recent failures. */
export default function JobsPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const overview = useQuery(trpc.jobs.overview.queryOptions(undefined, { refetchInterval: REFRESH_MS }));
  const dead = useQuery(trpc.jobs.deadLetters.queryOptions({}, { refetchInterval: REFRESH_MS }));
  const retry = useMutation(
    trpc.jobs.retryDeadLetters.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.jobs.pathKey() }),
    }),
  );
  if (overview.isPending) return <LoadingState />;
  if (overview.error)
    return <ErrorState message={errorMessage(overview.error).message} onRetry={() => void overview.refetch()} />;
  const o = overview.data;
  const q = o.queues[0];
  return (
    <>
      <nav className="crumbs">
        <Link href="/settings">Settings</Link> / <span>Jobs</span>
      </nav>
      <PageHeader
        title="Jobs"
        description="Announced events wait in the outbox, become delivery jobs, and are retried with growing delays until they are delivered or become dead letters."
      />
      <div className="tiles">
        <StatTile
          label="Outbox"
          value={o.outbox.depth}
          hint={o.outbox.oldestAt ? `oldest ${formatRelative(o.outbox.oldestAt)}` : "empty"}
        />
        <StatTile
          label="Waiting deliveries"
          value={q ? q.waiting + q.retrying : 0}
          hint={q?.oldestWaitingAt ? `oldest ${formatRelative(q.oldestWaitingAt)}` : "none waiting"}
        />
        <StatTile label="In flight" value={q?.active ?? 0} />
        <StatTile label="Dead letters" value={<span data-testid="dead-letters">{q?.deadLetters ?? 0}</span>} />
      </div>
      {o.schedules.length ? (
        <p className="muted">
          Scheduled (run once per slot across all server instances):{" "}
          {o.schedules.map((x) => `${x.name} (cron ${x.cron}, UTC)`).join(", ")}.
        </p>
      ) : null}
      <Card
        title="Dead letters"
        actions={
          dead.data?.length ? (
            <Button size="sm" busy={retry.isPending} onClick={() => retry.mutate({})}>
              Retry all
            </Button>
          ) : null
        }
      >
        {dead.data?.length ? (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
            <table className="table table-compact" aria-label="Dead letters">
              <thead>
                <tr>
                  <th>Event</th>
                  <th>Channel</th>
                  <th>Since</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {dead.data.map((d) => (
                  <tr key={d.id}>
                    <td>#{d.eventSeq}</td>
                    <td className="cell-excerpt">{d.channelId}</td>
                    <td>{formatRelative(d.createdAt)}</td>
                    <td>
                      <Button size="sm" onClick={() => retry.mutate({ ids: [d.id] })}>
                        Retry
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">None: every delivery so far got through or is still being retried.</p>
        )}
      </Card>
      <Card title="Recent failed attempts">
        {o.recentFailures.length ? (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
            <table className="table table-compact" aria-label="Recent failed attempts">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Channel</th>
                  <th>Event</th>
                  <th>Try</th>
                  <th>Status</th>
                  <th>Response</th>
                </tr>
              </thead>
              <tbody>
                {o.recentFailures.map((f) => (
                  <tr key={f.id}>
                    <td>{formatRelative(f.createdAt)}</td>
                    <td>{f.channelName}</td>
                    <td>{f.eventSeq ? `#${f.eventSeq}` : "test"}</td>
                    <td>{f.attempt}</td>
                    <td>{f.status ?? "-"}</td>
                    <td className="cell-excerpt">{f.excerpt}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">No failed attempts.</p>
        )}
      </Card>
    </>
  );
}
