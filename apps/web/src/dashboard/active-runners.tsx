"use client";
import Link from "next/link";
import type { Runner } from "@stratavore/contracts";
import { Card, EmptyState } from "@stratavore/ui";
import { useNow } from "../hooks/use-now";
import { byAttention } from "../runners/attention-order";
import { RunnerDoingText, RunnerTaskText } from "../runners/runner-doing";
import { shortId } from "../runners/runner-format";

const SHOWN = 8;

/** The dashboard's live view of the fleet: who needs you first, then what each runner is doing. */
export function ActiveRunnersPanel({ runners }: { runners: Runner[] | undefined }) {
  const now = useNow(1000, Boolean(runners?.length));
  const ordered = byAttention(runners ?? []);
  return (
    <Card
      title="Active runners"
      actions={
        <Link href="/runners?status=active" className="btn btn-ghost btn-sm">
          All runners
        </Link>
      }
    >
      {!runners ? (
        <p className="muted">Loading…</p>
      ) : ordered.length === 0 ? (
        <EmptyState title="Nothing running">Launch a runner from a project page.</EmptyState>
      ) : (
        <ul className="list" data-testid="active-runners">
          {ordered.slice(0, SHOWN).map((r) => (
            <li key={r.id} className="list-row list-row-stack" data-runner-id={r.id}>
              <div>
                <Link href={`/runners/${r.id}`} className="mono strong">
                  {shortId(r.id)}
                </Link>{" "}
                <Link href={`/projects/${r.projectName}`} className="muted">
                  {r.projectName}
                </Link>
                <RunnerTaskText runner={r} />
              </div>
              <RunnerDoingText runner={r} now={now} />
            </li>
          ))}
          {ordered.length > SHOWN ? (
            <li className="muted small">
              and {ordered.length - SHOWN} more — <Link href="/runners?status=active">see all</Link>
            </li>
          ) : null}
        </ul>
      )}
    </Card>
  );
}
