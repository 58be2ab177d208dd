"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageRow } from "@stratavore/contracts";
import { formatCount, formatTokens } from "@stratavore/ui";
import { AXIS_TICK, CHART_MARGIN, GRID_STROKE, TOOLTIP_STYLE } from "./chart-style";
import { formatDayLong, formatDayTick } from "./usage-dates";
import { TOKEN_SERIES } from "./usage-series";

/** Tokens per day, stacked by type (input, output, cache writes, cache reads). */
export function TokensOverTimeChart({ rows }: { rows: UsageRow[] }) {
  return (
    <div className="chart" data-testid="tokens-chart">
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={rows} margin={CHART_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={GRID_STROKE} />
          <XAxis dataKey="group" tickFormatter={formatDayTick} tick={AXIS_TICK} minTickGap={12} tickLine={false} />
          <YAxis
            tickFormatter={(v: number) => formatTokens(v)}
            // Token counts are whole: half-token steps printed "1" twice on a nearly empty chart.
            allowDecimals={false}
            tick={AXIS_TICK}
            width={52}
            tickLine={false}
            axisLine={false}
          />
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            cursor={{ fill: "rgba(99, 102, 241, 0.08)" }}
            labelFormatter={(label, payload) => {
              const row = payload?.[0]?.payload as UsageRow | undefined;
              return `${formatDayLong(String(label))}${row ? ` · ${formatCount(row.totalTokens)} tokens` : ""}`;
            }}
            formatter={(value, name) => [formatCount(Number(value)), name]}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {TOKEN_SERIES.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId="tokens" fill={s.color} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
