"use client";
import Link from "next/link";
import type { Session } from "@stratavore/contracts";
import { Badge, costCaveat, formatCost, formatCount, formatRelative, formatTokens } from "@stratavore/ui";
import { useNow } from "../hooks/use-now";
import { sessionTitle, shortSessionId } from "./session-format";

/** Recorded conversations; the phone layout keeps title, messages, cost and recency. */
export function SessionsTable({ sessions }: { sessions: Session[] }) {
  // Relative times only need to move every minute.
  const now = useNow(60_000);
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
      <table className="table" data-testid="sessions-table">
        <thead>
          <tr>
            <th>Title</th>
            <th className="hide-sm">Project</th>
            <th className="num">Messages</th>
            <th className="num hide-sm">Tokens</th>
            <th className="num">Cost</th>
            <th className="num">Last message</th>
            <th className="num hide-sm">Runners</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id} data-session-id={s.id}>
              <td className="session-title-cell">
                <Link href={`/sessions/${s.id}`} className="strong">
                  {sessionTitle(s)}
                </Link>
                <div className="muted small mono nowrap" title={s.id}>
                  {shortSessionId(s.id)}
                </div>
              </td>
              <td className="hide-sm">
                {s.projectName ? (
                  <Link href={`/projects/${s.projectName}`}>{s.projectName}</Link>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="num">{formatCount(s.messageCount)}</td>
              <td className="num hide-sm">{formatTokens(s.totalTokens)}</td>
              <td className="num" title={costCaveat(s.unpricedTokens, s.estimatedCostUsd) ?? undefined}>
                {formatCost(s.costUsd, s.unpricedTokens, s.estimatedCostUsd)}
              </td>
              <td className="num nowrap" title={s.lastMessageAt?.toLocaleString()}>
                {formatRelative(s.lastMessageAt, now)}
              </td>
              <td className="num hide-sm">
                {s.activeRunners > 0 ? (
                  <Badge tone="green">{String(s.activeRunners)}</Badge>
                ) : (
                  <span className="muted">0</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
