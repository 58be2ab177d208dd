"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { roleAtLeast, type Project, type ScalingDecision } from "@stratavore/contracts";
import { Badge, Button, Card, ErrorState, LoadingState, formatRelative } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useNow } from "../hooks/use-now";
import { useMe } from "../require-auth";
import { useTRPC } from "../trpc";
import { PoolPolicyForm } from "./pool-policy-form";

function Decisions({ decisions, now }: { decisions: ScalingDecision[]; now: number }) {
  if (!decisions.length) return <p className="muted">No scaling decisions yet.</p>;
  return (
    <ol className="decision-list" aria-label="Scaling decisions, newest first">
      {decisions.map((d) => (
        <li key={d.seq} className="decision">
          <Badge>{d.action}</Badge> {d.count ? <strong>{d.count}</strong> : null}{" "}
          <span className="decision-reason">{d.reason}</span>{" "}
          <span className="muted small" title={new Date(d.at).toLocaleString()}>
            {formatRelative(d.at, now)}
          </span>
        </li>
      ))}
    </ol>
  );
}

function WebhookButton({ project }: { project: string }) {
  const trpc = useTRPC();
  const rotate = useMutation(trpc.pools.rotateHook.mutationOptions());
  return (
    <div className="pool-hook">
      <Button size="sm" onClick={() => rotate.mutate({ project })} disabled={rotate.isPending}>
        New task webhook address
      </Button>
      {rotate.data ? (
        <p className="alert alert-info" role="status">
          POST a task&apos;s JSON (at least <code>{'{"prompt": "…"}'}</code>) to{" "}
          <code className="break">{rotate.data.url}</code>. It is shown only now; the previous address no longer works.
        </p>
      ) : null}
      {rotate.error ? (
        <span className="inline-error" role="alert">
          {errorMessage(rotate.error).message}
        </span>
      ) : null}
    </div>
  );
}

/** The project's pool: what it runs now, its policy, and its last scaling decisions (the "Scaling" panel). */
export function ProjectPool({ project }: { project: Project }) {
  const trpc = useTRPC();
  const me = useMe();
  const pool = useQuery(trpc.pools.get.queryOptions({ project: project.name }));
  const now = useNow(10_000);
  if (pool.isPending) return <LoadingState />;
  if (pool.isError) return <ErrorState {...errorMessage(pool.error)} onRetry={() => pool.refetch()} />;
  const p = pool.data;
  const canWrite = roleAtLeast(me.role, "operator") && project.status !== "archived";
  return (
    <div className="grid-2">
      <Card
        title="Pool"
        actions={
          <span className="muted small" data-testid="pool-summary">
            {project.status === "archived" ? "project archived" : p.enabled ? "working the queue" : "off"} · {p.working}{" "}
            working · {p.idle} idle · {p.queued} queued
          </span>
        }
      >
        {canWrite ? (
          <>
            <PoolPolicyForm pool={p} />
            <WebhookButton project={project.name} />
          </>
        ) : (
          <p className="muted">
            {p.enabled ? "On" : "Off"}: {p.minRunners}–{p.maxRunners} runners, idle timeout {p.idleTimeoutSec} s, nodes
            under {p.maxNodeCpuPercent} % CPU and {p.maxNodeMemoryPercent} % memory.
          </p>
        )}
      </Card>
      <Card title="Scaling">
        <Decisions decisions={p.decisions} now={now} />
      </Card>
    </div>
  );
}
