"use client";
import Link from "next/link";
import type { UsageRow } from "@stratavore/contracts";
import { costCaveat, formatCost, formatCount, formatTokens } from "@stratavore/ui";
import { NO_RUNNER } from "./use-runner-usage";

const short = (id: string) => id.slice(0, 8);

/** How a session or runner group reads: sessions by title, ids shortened (full id on hover), both linked. */
export function SpenderName({ row, kind }: { row: UsageRow; kind: "session" | "runner" }) {
  if (row.group === NO_RUNNER)
    return <span className="muted">{kind === "runner" ? "no runner (imported)" : "no session"}</span>;
  if (kind === "runner")
    return (
      <Link href={`/runners/${row.group}`} className="mono strong" title={row.group}>
        {short(row.group)}
      </Link>
    );
  // A session reads by its title when it has one; either way it opens its transcript.
  const titled = row.label !== row.group;
  return (
    <Link
      href={`/sessions/${encodeURIComponent(row.group)}`}
      className={titled ? "ellipsis task-line" : "mono"}
      title={row.group}
    >
      {titled ? row.label : short(row.group)}
    </Link>
  );
}

/** The biggest spenders of a range (server order: cost, then tokens). */
export function TopSpendersTable({
  rows,
  kind,
  testId,
}: {
  rows: UsageRow[];
  kind: "session" | "runner";
  testId?: string;
}) {
  return (
    <div className="table-wrap table-flat" tabIndex={0} role="region" aria-label="Scrollable table">
      <table className="table" data-testid={testId ?? `top-${kind}s`}>
        <thead>
          <tr>
            <th className="num">#</th>
            <th>{kind === "session" ? "Session" : "Runner"}</th>
            <th className="num">Tokens</th>
            <th className="num">Cost</th>
            <th className="num hide-sm">Requests</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.group}>
              <td className="num muted">{i + 1}</td>
              <td>
                <SpenderName row={r} kind={kind} />
              </td>
              <td className="num" title={`${formatCount(r.totalTokens)} tokens`}>
                {formatTokens(r.totalTokens)}
              </td>
              <td className="num nowrap" title={costCaveat(r.unpricedTokens, r.estimatedCostUsd) ?? undefined}>
                {formatCost(r.costUsd, r.unpricedTokens, r.estimatedCostUsd)}
              </td>
              <td className="num hide-sm">{formatCount(r.requests)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
