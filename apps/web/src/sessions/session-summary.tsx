"use client";
import Link from "next/link";
import type { Session } from "@stratavore/contracts";
import { Card, costCaveat, formatCost, formatCount, formatTokens } from "@stratavore/ui";
import { CostCheck } from "./cost-check";
import { shortSessionId } from "./session-format";

const when = (d: Date | null) => (d ? d.toLocaleString() : "—");
const sessionLink = (id: string) => (
  <Link href={`/sessions/${id}`} className="mono" title={id}>
    {shortSessionId(id)}
  </Link>
);

/** Identity, lineage and spend of one session. */
export function SessionSummary({ session: s }: { session: Session }) {
  return (
    <Card title="Details">
      <dl className="details">
        <dt>Session id</dt>
        <dd className="mono">{s.id}</dd>
        <dt>Project</dt>
        <dd>
          {s.projectName ? (
            <Link href={`/projects/${s.projectName}`}>{s.projectName}</Link>
          ) : (
            <span className="muted">unknown</span>
          )}
        </dd>
        {s.cwd ? (
          <>
            <dt>Directory</dt>
            <dd className="mono">{s.cwd}</dd>
          </>
        ) : null}
        {s.resumedFromId ? (
          <>
            <dt>Resumed from</dt>
            <dd>{sessionLink(s.resumedFromId)}</dd>
          </>
        ) : null}
        {s.forkedFromId ? (
          <>
            <dt>Forked from</dt>
            <dd>{sessionLink(s.forkedFromId)}</dd>
          </>
        ) : null}
        <dt>Messages</dt>
        <dd>
          {formatCount(s.messageCount)} <span className="muted">({formatCount(s.entryCount)} lines)</span>
        </dd>
        <dt>Tokens</dt>
        <dd title={formatCount(s.totalTokens)}>{formatTokens(s.totalTokens)}</dd>
        <dt>Cost</dt>
        <dd>
          {formatCost(s.costUsd, s.unpricedTokens, s.estimatedCostUsd)}
          {costCaveat(s.unpricedTokens, s.estimatedCostUsd) ? (
            <div className="muted small">{costCaveat(s.unpricedTokens, s.estimatedCostUsd)}</div>
          ) : null}
        </dd>
        <CostCheck sessionId={s.id} />
        <dt>First message</dt>
        <dd>{when(s.firstMessageAt)}</dd>
        <dt>Last message</dt>
        <dd>{when(s.lastMessageAt)}</dd>
        <dt>Active runners</dt>
        <dd>{s.activeRunners}</dd>
      </dl>
    </Card>
  );
}
