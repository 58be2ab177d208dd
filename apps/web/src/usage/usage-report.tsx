"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { UsageRow } from "@stratavore/contracts";
import {
  Card,
  CostFigure,
  EmptyState,
  StatTile,
  costCaveat,
  formatCount,
  formatRatio,
  formatTokens,
} from "@stratavore/ui";
import { CsvButton } from "../export/csv-button";
import { useTRPC } from "../trpc";
import { costByModel } from "./cost-by-model";
import { CostOverTimeChart } from "./cost-over-time-chart";
import { QueryStates } from "./query-states";
import { TokensOverTimeChart } from "./tokens-over-time-chart";
import { TopSpendersTable } from "./top-spenders-table";
import { usageColumns } from "./usage-csv";
import { UsageBreakdownTable } from "./usage-breakdown-table";
import { fillDays } from "./usage-dates";
import { cacheHitRatio, hasUsage } from "./usage-series";

const TOP_LIMIT = 10;
const BREAKDOWN_LIMIT = 20;
const noRows = (d: { rows: UsageRow[] }) => d.rows.length === 0;

function RangeTiles({ totals }: { totals: UsageRow }) {
  return (
    <div className="tiles">
      <StatTile
        label="Tokens"
        value={formatTokens(totals.totalTokens)}
        hint={`${formatCount(totals.totalTokens)} incl. cache`}
      />
      <StatTile
        label="Cost"
        value={<CostFigure usd={totals.costUsd} unpriced={totals.unpricedTokens} estimated={totals.estimatedCostUsd} />}
        hint={costCaveat(totals.unpricedTokens, totals.estimatedCostUsd) ?? undefined}
      />
      <StatTile label="Cache hit ratio" value={formatRatio(cacheHitRatio(totals))} hint="input read from cache" />
      <StatTile
        label="Requests"
        value={formatCount(totals.requests)}
        hint={
          totals.webSearchRequests
            ? `API responses · ${formatCount(totals.webSearchRequests)} web searches ($10 per 1,000, in the cost)`
            : "API responses"
        }
      />
    </div>
  );
}

/**
 * The usage report for a project (or all) since a day: totals, tokens and dollars per day, the
 * split by model and project, and the top sessions and runners. Each card loads on its own.
 */
export function UsageReport({
  project,
  since,
  until,
  lastDay,
  rangeLabel,
}: {
  project?: string;
  since: Date;
  /** The end of the range (exclusive); none: up to now. */
  until?: Date;
  /** The last day the charts show. */
  lastDay: Date;
  /** "the last 30 days", "1–15 March": for the empty state. */
  rangeLabel: string;
}) {
  const trpc = useTRPC();
  const base = { project, since, until };
  const keep = { placeholderData: keepPreviousData };
  const byDay = useQuery(trpc.usage.query.queryOptions({ ...base, by: "day", limit: 1000 }, keep));
  const byModel = useQuery(trpc.usage.query.queryOptions({ ...base, by: "model", limit: BREAKDOWN_LIMIT }, keep));
  const byDayModel = useQuery(trpc.usage.query.queryOptions({ ...base, by: "day_model", limit: 1000 }, keep));
  const byProject = useQuery(trpc.usage.query.queryOptions({ ...base, by: "project", limit: BREAKDOWN_LIMIT }, keep));
  // The top lists read the ledger itself (the rollup has no sessions or runners): asked once the
  // report above them is in, so they do not slow the totals and charts people look at first.
  const topsReady = { ...keep, enabled: byDay.data !== undefined && !byDay.isPlaceholderData };
  const bySession = useQuery(trpc.usage.query.queryOptions({ ...base, by: "session", limit: TOP_LIMIT }, topsReady));
  const byRunner = useQuery(trpc.usage.query.queryOptions({ ...base, by: "runner", limit: TOP_LIMIT }, topsReady));

  return (
    <QueryStates
      query={byDay}
      isEmpty={(d) => !hasUsage(d.totals)}
      empty={
        <EmptyState title="No usage recorded yet">
          {project ? `Nothing was spent in ${project} in ${rangeLabel}.` : `Nothing was spent in ${rangeLabel}.`} Usage
          appears here as soon as a runner talks to Claude, or once past Claude Code history is imported.
        </EmptyState>
      }
    >
      {(day) => (
        <div data-testid="usage-report">
          <RangeTiles totals={day.totals} />
          <Card
            title="Tokens over time"
            actions={<CsvButton filename="usage-by-day.csv" columns={usageColumns("day")} rows={day.rows} />}
          >
            <TokensOverTimeChart rows={fillDays(day.rows, since, lastDay)} />
          </Card>
          <Card
            title="Cost over time, by model"
            actions={
              <CsvButton
                filename="usage-by-day-and-model.csv"
                columns={usageColumns("day|model")}
                rows={byDayModel.data?.rows ?? []}
              />
            }
          >
            <CostOverTimeChart split={costByModel(byDayModel.data?.rows ?? [], fillDays(day.rows, since, lastDay))} />
          </Card>
          <div className="grid-2">
            <Card
              title="By model"
              actions={
                <CsvButton
                  filename="usage-by-model.csv"
                  columns={usageColumns("model")}
                  rows={byModel.data?.rows ?? []}
                />
              }
            >
              <QueryStates query={byModel} isEmpty={noRows}>
                {(d) => <UsageBreakdownTable rows={d.rows} totals={day.totals} kind="model" />}
              </QueryStates>
            </Card>
            <Card
              title="By project"
              actions={
                <CsvButton
                  filename="usage-by-project.csv"
                  columns={usageColumns("project")}
                  rows={byProject.data?.rows ?? []}
                />
              }
            >
              <QueryStates query={byProject} isEmpty={noRows}>
                {(d) => <UsageBreakdownTable rows={d.rows} totals={day.totals} kind="project" />}
              </QueryStates>
            </Card>
          </div>
          <div className="grid-2">
            <Card
              title="Top sessions by cost"
              actions={
                <CsvButton
                  filename="top-sessions.csv"
                  columns={usageColumns("session")}
                  rows={bySession.data?.rows ?? []}
                />
              }
            >
              <QueryStates query={bySession} isEmpty={noRows}>
                {(d) => <TopSpendersTable rows={d.rows} kind="session" />}
              </QueryStates>
            </Card>
            <Card
              title="Top runners by cost"
              actions={
                <CsvButton
                  filename="top-runners.csv"
                  columns={usageColumns("runner")}
                  rows={byRunner.data?.rows ?? []}
                />
              }
            >
              <QueryStates query={byRunner} isEmpty={noRows}>
                {(d) => <TopSpendersTable rows={d.rows} kind="runner" />}
              </QueryStates>
            </Card>
          </div>
        </div>
      )}
    </QueryStates>
  );
}
