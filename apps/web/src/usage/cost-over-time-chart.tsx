"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCost } from "@stratavore/ui";
import { AXIS_TICK, CHART_MARGIN, GRID_STROKE, TOOLTIP_STYLE, formatUsdTick } from "./chart-style";
import type { CostByModel } from "./cost-by-model";
import { formatDayLong, formatDayTick } from "./usage-dates";

/**
 * Dollars per day, stacked by model; the tooltip gives each model's part and the day's total,
 * naming any unpriced tokens of that day instead of counting them as $0.
 */
export function CostOverTimeChart({ split }: { split: CostByModel }) {
  const last = split.series.length - 1;
  return (
    <div className="chart" data-testid="cost-chart">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={split.data} margin={CHART_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={GRID_STROKE} />
          <XAxis dataKey="day" tickFormatter={formatDayTick} tick={AXIS_TICK} minTickGap={12} tickLine={false} />
          <YAxis tickFormatter={formatUsdTick} tick={AXIS_TICK} width={52} tickLine={false} axisLine={false} />
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            cursor={{ fill: "rgba(79, 70, 229, 0.08)" }}
            labelFormatter={(label, payload) => {
              const day = payload?.[0]?.payload as Record<string, number> | undefined;
              const total = day ? ` · ${formatCost(Number(day["total"]), Number(day["unpriced"]))}` : "";
              return `${formatDayLong(String(label))}${total}`;
            }}
            formatter={(value, name) => [formatCost(Number(value)), String(name)]}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {split.series.map((s, i) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.key}
              stackId="cost"
              fill={s.color}
              radius={i === last ? [3, 3, 0, 0] : undefined}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
