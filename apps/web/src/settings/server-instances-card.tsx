"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, ErrorState, LoadingState, formatRelative } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useTRPC } from "../trpc";

const REFRESH_MS = 5000;

/** Settings → Server instances (admins): the processes sharing this database, the leader, their agents. */
export function ServerInstancesCard() {
  const trpc = useTRPC();
  const q = useQuery(trpc.system.instances.queryOptions(undefined, { refetchInterval: REFRESH_MS }));
  return (
    <Card title="Server instances">
      {q.isPending ? (
        <LoadingState />
      ) : q.error ? (
        <ErrorState message={errorMessage(q.error).message} onRetry={() => void q.refetch()} />
      ) : (
        <>
          <p className="muted">
            {q.data.mode === "single"
              ? "One server process. Several can share the database behind a load balancer (STRATAVORE_CLUSTER)."
              : `Instances reach each other through ${q.data.mode === "redis" ? "Redis" : "PostgreSQL"}; the leader runs the reconciler.`}
          </p>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
            <table className="table" data-testid="server-instances">
              <thead>
                <tr>
                  <th>Instance</th>
                  <th>State</th>
                  <th>Agents</th>
                  <th>Last beat</th>
                </tr>
              </thead>
              <tbody>
                {q.data.instances.map((i) => (
                  <tr key={i.id}>
                    <td>
                      <span className="mono">{i.url}</span>
                      <div className="muted small">
                        {i.hostname} · pid {i.pid}
                        {i.current ? " · this page's" : ""}
                      </div>
                    </td>
                    <td>{i.alive ? (i.leader ? "leader" : "alive") : "silent"}</td>
                    <td>{i.agents}</td>
                    <td>{formatRelative(i.beatAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Card>
  );
}
