"use client";
import Link from "next/link";
import type { UsageRow } from "@stratavore/contracts";
import { Badge, ColorLegend, ShareBar, costCaveat, formatCost, formatCount, formatTokens } from "@stratavore/ui";
import { TOKEN_SERIES, tokenSegments } from "./usage-series";

const NO_PROJECT = "(no project)";

function GroupName({ row, kind }: { row: UsageRow; kind: "model" | "project" }) {
  if (kind === "project" && row.label !== NO_PROJECT)
    return (
      <Link href={`/projects/${encodeURIComponent(row.label)}`} className="strong">
        {row.label}
      </Link>
    );
  return (
    <span className={kind === "model" ? "mono" : "muted"}>
      {kind === "project" ? "no project (imported)" : row.label}
    </span>
  );
}

/** Spend per model or per project: a token-type mix bar, tokens, cost and share of the range's cost. */
export function UsageBreakdownTable({
  rows,
  totals,
  kind,
}: {
  rows: UsageRow[];
  totals: UsageRow;
  kind: "model" | "project";
}) {
  const total = totals.costUsd ?? 0;
  const share = (r: UsageRow) =>
    total > 0 ? (r.costUsd ?? 0) / total : totals.totalTokens > 0 ? r.totalTokens / totals.totalTokens : 0;
  return (
    <>
      <div className="table-wrap table-flat" tabIndex={0} role="region" aria-label="Scrollable table">
        <table className="table" data-testid={`usage-by-${kind}`}>
          <thead>
            <tr>
              <th>{kind === "model" ? "Model" : "Project"}</th>
              <th className="hide-sm">Mix</th>
              <th className="num">Tokens</th>
              <th className="num">Cost</th>
              <th className="num hide-sm">Share</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.group}>
                <td className="ellipsis">
                  <GroupName row={r} kind={kind} />
                </td>
                <td className="hide-sm mix-cell">
                  <ShareBar segments={tokenSegments(r)} />
                </td>
                <td className="num" title={`${formatCount(r.totalTokens)} tokens`}>
                  {formatTokens(r.totalTokens)}
                </td>
                <td className="num nowrap" title={costCaveat(r.unpricedTokens, r.estimatedCostUsd) ?? undefined}>
                  {formatCost(r.costUsd, r.unpricedTokens, r.estimatedCostUsd)}
                  {r.estimatedCostUsd > 0 ? (
                    <>
                      {" "}
                      <Badge tone="amber">estimated</Badge>
                    </>
                  ) : null}
                </td>
                <td className="num hide-sm">{Math.round(share(r) * 100)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="hide-sm">
        <ColorLegend items={TOKEN_SERIES.map((s) => ({ key: s.key, label: s.label, color: s.color }))} />
      </div>
    </>
  );
}
