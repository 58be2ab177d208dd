"use client";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { Budget } from "@stratavore/contracts";
import { formatCount, formatTokens, formatUsd } from "@stratavore/ui";
import { AXIS_TICK, CHART_MARGIN, GRID_STROKE, TOOLTIP_STYLE, formatUsdTick } from "../usage/chart-style";
import type { BurnMetric, BurnPoint } from "./burndown-series";

const TIME_TICK: Record<Budget["period"], Intl.DateTimeFormatOptions> = {
  hourly: { hour: "2-digit", minute: "2-digit" },
  daily: { hour: "2-digit", minute: "2-digit" },
  weekly: { weekday: "short" },
  monthly: { month: "short", day: "numeric" },
  five_hour: { hour: "2-digit", minute: "2-digit" },
};
const TOOLTIP_TIME: Intl.DateTimeFormatOptions = {
  weekday: "short",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
};

/** Cumulative spend over the period (area), its straight-line projection (dashed) and the limit. */
export function BurndownChart({
  period,
  span,
  metric,
  points,
  limit,
  warnAt,
}: {
  period: Budget["period"];
  span: [number, number];
  metric: BurnMetric;
  points: BurnPoint[];
  limit: number | null;
  warnAt: number | null;
}) {
  const tick = metric === "usd" ? formatUsdTick : (v: number) => formatTokens(v);
  const exact = metric === "usd" ? formatUsd : (v: number) => `${formatCount(v)} tokens`;
  const top = Math.max(limit ?? 0, ...points.map((p) => Math.max(p.actual ?? 0, p.projected ?? 0)));
  return (
    <div className="chart" data-testid="budget-burndown">
      <ResponsiveContainer width="100%" height={220}>
        <ComposedChart data={points} margin={{ ...CHART_MARGIN, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={GRID_STROKE} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={span}
            tickFormatter={(t: number) => new Date(t).toLocaleString(undefined, TIME_TICK[period])}
            tick={AXIS_TICK}
            minTickGap={24}
            tickLine={false}
          />
          <YAxis
            tickFormatter={tick}
            tick={AXIS_TICK}
            width={52}
            tickLine={false}
            axisLine={false}
            domain={[0, Math.ceil(top * 1.05) || 1]}
          />
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            labelFormatter={(t) => new Date(Number(t)).toLocaleString(undefined, TOOLTIP_TIME)}
            formatter={(value, name) => [exact(Number(value)), name]}
          />
          {limit !== null ? (
            <ReferenceLine
              y={limit}
              stroke="var(--danger)"
              strokeDasharray="4 4"
              label={{ value: "limit", position: "insideTopLeft", fill: "var(--danger)", fontSize: 12 }}
            />
          ) : null}
          {warnAt !== null ? <ReferenceLine y={warnAt} stroke="var(--warn)" strokeDasharray="2 4" /> : null}
          <Area
            type="stepAfter"
            dataKey="actual"
            name="Spent"
            stroke="var(--accent)"
            fill="var(--accent-line)"
            connectNulls
            isAnimationActive={false}
          />
          <Line
            type="linear"
            dataKey="projected"
            name="Projected"
            stroke="var(--muted)"
            strokeDasharray="6 4"
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
