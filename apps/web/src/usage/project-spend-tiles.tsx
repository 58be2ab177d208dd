"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { ProjectDetail } from "@stratavore/contracts";
import { CostFigure, StatTile, formatCount, formatRatio, formatTokens } from "@stratavore/ui";
import { useTRPC } from "../trpc";
import { cacheHitRatio } from "./usage-series";

/**
 * A project's all-time tokens and cost from the ledger, with the unpriced part apart. Keyed by
 * project id, so `usage:update` for this project refreshes it (at most once a second). Until
 * it loads, the project's own stats stand in.
 */
export function ProjectSpendTiles({ project }: { project: ProjectDetail }) {
  const trpc = useTRPC();
  const spend = useQuery(trpc.usage.query.queryOptions({ project: project.id, by: "project", limit: 1 }));
  const totals = spend.data?.totals;
  const tokens = totals?.totalTokens ?? project.stats.totalTokens;
  const href = `/usage?project=${encodeURIComponent(project.name)}`;
  return (
    <>
      <Link href={href} className="tile-link" data-testid="project-tokens">
        <StatTile label="Tokens" value={formatTokens(tokens)} hint={`${formatCount(tokens)} all time`} />
      </Link>
      <Link href={href} className="tile-link" data-testid="project-cost">
        <StatTile
          label="Cost"
          value={<CostFigure usd={totals?.costUsd ?? project.stats.costUsd} unpriced={totals?.unpricedTokens ?? 0} />}
          hint={totals ? `cache hit ${formatRatio(cacheHitRatio(totals))}` : undefined}
        />
      </Link>
    </>
  );
}
