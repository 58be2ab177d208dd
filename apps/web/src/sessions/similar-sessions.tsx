"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Card, EmptyState, ErrorState, LoadingState, formatRelative } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useTRPC } from "../trpc";
import { sessionTitle } from "./session-format";

/** Sessions about the same thing, best first; only fetched once someone asks. */
export function SimilarSessions({ sessionId }: { sessionId: string }) {
  const trpc = useTRPC();
  const similar = useQuery(trpc.sessions.similar.queryOptions({ id: sessionId }));
  return (
    <Card title="Similar sessions">
      {similar.isPending ? (
        <LoadingState />
      ) : similar.isError ? (
        <ErrorState {...errorMessage(similar.error)} onRetry={() => similar.refetch()} />
      ) : similar.data.length === 0 ? (
        <EmptyState title="Nothing similar found">
          No other session&apos;s transcript is close enough to this one&apos;s. A session with no transcript lines has
          nothing to compare yet.
        </EmptyState>
      ) : (
        <ul className="list" data-testid="similar-sessions">
          {similar.data.map(({ session: s, score }) => (
            <li key={s.id} className="list-row">
              <Link href={`/sessions/${s.id}`} className="strong">
                {sessionTitle(s)}
              </Link>
              <span className="muted small">
                {s.projectName ?? "—"} · {formatRelative(s.lastMessageAt)}
              </span>
              <span className="muted small right" title="similarity">
                {Math.round(score * 100)}%
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
