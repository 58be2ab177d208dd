"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageRow } from "@stratavore/contracts";
import { formatCost } from "@stratavore/ui";
import { AXIS_TICK, CHART_MARGIN, GRID_STROKE, TOOLTIP_STYLE, formatUsdTick } from "./chart-style";
import { formatDayLong, formatDayTick } from "./usage-dates";

/** Dollars per day; the tooltip names any unpriced tokens of that day instead of counting them as $0. */
export function CostOverTimeChart({ rows }: { rows: UsageRow[] }) {
  return (
    <div className="chart" data-testid="cost-chart">
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={rows} margin={CHART_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={GRID_STROKE} />
          <XAxis dataKey="group" tickFormatter={formatDayTick} tick={AXIS_TICK} minTickGap={12} tickLine={false} />
          <YAxis tickFormatter={formatUsdTick} tick={AXIS_TICK} width={52} tickLine={false} axisLine={false} />
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            cursor={{ fill: "rgba(79, 70, 229, 0.08)" }}
            labelFormatter={(label) => formatDayLong(String(label))}
            formatter={(value, _name, item) => [
              formatCost(Number(value), (item.payload as UsageRow).unpricedTokens),
              "Cost",
            ]}
          />
          <Bar dataKey="costUsd" name="Cost" fill="var(--accent)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
