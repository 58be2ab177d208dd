"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { use } from "react";
import { isActiveRunnerStatus, roleAtLeast, runnerWhy } from "@stratavore/contracts";
import { Card, ErrorState, LoadingState, PageHeader } from "@stratavore/ui";
import { errorMessage } from "../../../../src/hooks/use-error-message";
import { useMe } from "../../../../src/require-auth";
import { MoveRunnerButton } from "../../../../src/runners/move-runner-button";
import { NodeAwayNotice } from "../../../../src/runners/node-away-notice";
import { RunnerActions } from "../../../../src/runners/runner-actions";
import { RunnerDetails } from "../../../../src/runners/runner-details";
import { shortId } from "../../../../src/runners/runner-format";
import { RunnerStatusBadge } from "../../../../src/runners/runner-status-badge";
import { RunnerWhyText } from "../../../../src/runners/pause-reason";
import { RunnerTerminal } from "../../../../src/runners/runner-terminal";
import { RunnerTimeline } from "../../../../src/runners/runner-timeline";

import { useTRPC } from "../../../../src/trpc";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default function RunnerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  const trpc = useTRPC();
  const me = useMe();
  // A malformed id would only earn a validation error from the server; say "not found" instead.
  const valid = UUID_RE.test(id);
  const runner = useQuery(trpc.runners.get.queryOptions({ id }, { enabled: valid }));

  if (!valid) return <ErrorState message={`There is no runner '${id}'.`} code="NOT_FOUND" />;
  if (runner.isPending) return <LoadingState />;
  if (runner.isError) {
    const err = errorMessage(runner.error);
    return err.code === "NOT_FOUND" ? (
      <ErrorState message={`There is no runner '${id}'.`} code={err.code} />
    ) : (
      <ErrorState {...err} onRetry={() => runner.refetch()} />
    );
  }
  const r = runner.data;
  const active = isActiveRunnerStatus(r.status);
  const canType = roleAtLeast(me.role, "operator") && active && r.status !== "lost";
  const why = runnerWhy(r);
  return (
    <>
      <nav className="crumbs">
        <Link href="/runners">Runners</Link> / <Link href={`/projects/${r.projectName}`}>{r.projectName}</Link> /{" "}
        <span className="mono">{shortId(r.id)}</span>
      </nav>
      <PageHeader
        title={
          <>
            Runner <span className="mono">{shortId(r.id)}</span> <RunnerStatusBadge runner={r} testId="runner-status" />
          </>
        }
        description={
          <>
            in <Link href={`/projects/${r.projectName}`}>{r.projectName}</Link>
            {r.nodeName ? <> on {r.nodeName}</> : null}
          </>
        }
        actions={
          <>
            <MoveRunnerButton runner={r} />
            <RunnerActions runner={r} />
          </>
        }
      />
      {why ? (
        <div
          className={`alert ${r.status === "failed" || r.status === "lost" ? "alert-warning" : "alert-info"}`}
          data-testid="runner-why"
        >
          <RunnerWhyText runner={r} />
        </div>
      ) : null}
      <NodeAwayNotice runner={r} />
      <Card
        title="Terminal"
        actions={
          <span className="muted small">
            {canType ? "Tap or click the terminal and type to talk to Claude." : active ? "Read-only" : "Ended"}
          </span>
        }
      >
        <RunnerTerminal runnerId={r.id} interactive={canType} />
        {!active ? (
          <p className="muted small">
            The server keeps an ended runner&apos;s output only while it runs; the full log stays on its node.
          </p>
        ) : null}
      </Card>
      <div className="grid-2">
        <RunnerDetails runner={r} />
        <RunnerTimeline runnerId={r.id} />
      </div>
    </>
  );
}
