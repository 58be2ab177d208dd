"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import {
  Badge,
  Button,
  Card,
  ErrorState,
  LoadingState,
  PageHeader,
  costCaveat,
  formatCost,
  formatRelative,
} from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useTRPC } from "../trpc";
import { ExportMenu } from "./export-menu";
import { SessionActions } from "./session-actions";
import { sessionTitle, shortSessionId } from "./session-format";
import { SessionSummary } from "./session-summary";
import { SimilarSessions } from "./similar-sessions";
import { Transcript } from "./transcript/transcript";

/** One session: header and launch buttons, details, similar sessions on request, the transcript. */
export function SessionView({ id }: { id: string }) {
  const trpc = useTRPC();
  const entry = useSearchParams().get("entry") ?? undefined;
  const [similar, setSimilar] = useState(false);
  const session = useQuery(trpc.sessions.get.queryOptions({ id }));

  if (session.isPending) return <LoadingState />;
  if (session.isError) {
    const err = errorMessage(session.error);
    return err.code === "NOT_FOUND" ? (
      <ErrorState message={`There is no session '${id}'.`} code={err.code} />
    ) : (
      <ErrorState {...err} onRetry={() => session.refetch()} />
    );
  }
  const s = session.data;
  return (
    <>
      <nav className="crumbs">
        <Link href="/sessions">Sessions</Link>
        {s.projectName ? (
          <>
            {" "}
            / <Link href={`/sessions?project=${encodeURIComponent(s.projectName)}`}>{s.projectName}</Link>
          </>
        ) : null}
        {" / "}
        <span className="mono">{shortSessionId(s.id)}</span>
      </nav>
      <PageHeader
        title={
          <>
            <span className="session-title">{sessionTitle(s)}</span>
            {s.activeRunners > 0 ? <Badge tone="green">live</Badge> : null}
          </>
        }
        description={
          <>
            {s.projectName ? <Link href={`/projects/${s.projectName}`}>{s.projectName}</Link> : "unknown project"} ·{" "}
            <span className="mono" title={s.id}>
              {shortSessionId(s.id)}
            </span>
            {" · "}
            <span title={costCaveat(s.unpricedTokens, s.estimatedCostUsd) ?? undefined}>
              {formatCost(s.costUsd, s.unpricedTokens, s.estimatedCostUsd)}
            </span>{" "}
            · last message {formatRelative(s.lastMessageAt)}
            {s.resumedFromId ? (
              <>
                {" "}
                · resumed from{" "}
                <Link href={`/sessions/${s.resumedFromId}`} className="mono">
                  {shortSessionId(s.resumedFromId)}
                </Link>
              </>
            ) : null}
            {s.forkedFromId ? (
              <>
                {" "}
                · forked from{" "}
                <Link href={`/sessions/${s.forkedFromId}`} className="mono">
                  {shortSessionId(s.forkedFromId)}
                </Link>
              </>
            ) : null}
          </>
        }
        actions={
          <>
            <SessionActions session={s} />
            <div className="row-actions">
              <ExportMenu sessionId={s.id} />
              <Button aria-pressed={similar} onClick={() => setSimilar((v) => !v)}>
                Find similar
              </Button>
            </div>
          </>
        }
      />
      <div className="grid-2">
        <SessionSummary session={s} />
        {similar ? <SimilarSessions sessionId={s.id} /> : null}
      </div>
      <Card title="Transcript" className="section-gap">
        <Transcript key={s.id} sessionId={s.id} targetEntryId={entry} />
      </Card>
    </>
  );
}
