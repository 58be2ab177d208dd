import { describe, expect, it } from "vitest";
import type { Budget } from "@stratavore/contracts";
import { burnSeries, defaultMetric, limitReachedAt, periodBuckets } from "./burndown-series";

const HOUR = 3_600_000;
const start = new Date(2025, 2, 3); // a Monday, local midnight

function budget(over: Partial<Budget> = {}): Budget {
  return {
    id: "b",
    name: "b",
    scope: "global",
    scopeId: null,
    scopeLabel: "all projects",
    period: "daily",
    limitTokens: 1000,
    limitUsd: null,
    warnPercent: 80,
    action: "notify",
    enabled: true,
    periodStart: start,
    periodEnd: new Date(start.getTime() + 24 * HOUR),
    usedTokens: 300,
    usedUsd: 0,
    estimatedUsd: 0,
    unpricedTokens: 0,
    fraction: 0.3,
    state: "ok",
    createdAt: start,
    ...over,
  };
}

describe("periodBuckets", () => {
  it("cuts an hour into 5-minute slices and a day into hours", () => {
    expect(periodBuckets("hourly", start, new Date(start.getTime() + HOUR))).toHaveLength(12);
    expect(periodBuckets("daily", start, new Date(start.getTime() + 24 * HOUR))).toHaveLength(24);
  });
  it("cuts a month into its days", () => {
    const march = new Date(2025, 2, 1);
    expect(periodBuckets("monthly", march, new Date(2025, 3, 1))).toHaveLength(31);
  });
});

describe("burnSeries", () => {
  it("accumulates elapsed slices, ends at the live figure and projects linearly to the period end", () => {
    const b = budget();
    const now = start.getTime() + 6 * HOUR;
    const spend = [1, 2, 3, 4, 5, 6, 7].map((h) => ({ end: new Date(start.getTime() + h * HOUR), value: 40 }));
    const { points, projectedEnd } = burnSeries(b, "tokens", spend, now);
    // six whole hours elapsed (the seventh ends in the future), then "now" at the live 300
    expect(points.filter((p) => p.actual !== undefined).map((p) => p.actual)).toEqual([
      0, 40, 80, 120, 160, 200, 240, 300,
    ]);
    expect(projectedEnd).toBe(1200);
    expect(points.at(-1)).toEqual({ t: b.periodEnd.getTime(), projected: 1200 });
  });

  it("has no projection before any time has passed", () => {
    expect(burnSeries(budget({ usedTokens: 0 }), "tokens", [], start.getTime()).projectedEnd).toBeNull();
  });
});

it("says when the present pace reaches the limit", () => {
  const at = limitReachedAt(budget(), "tokens", start.getTime() + 6 * HOUR);
  expect(at?.getTime()).toBe(start.getTime() + 20 * HOUR);
  expect(limitReachedAt(budget({ usedTokens: 100 }), "tokens", start.getTime() + 6 * HOUR)).toBeNull();
});

it("follows the measure nearer its limit when both are set", () => {
  expect(defaultMetric(budget({ limitUsd: 10, usedUsd: 9 }))).toBe("usd");
  expect(defaultMetric(budget({ limitUsd: 10, usedUsd: 1 }))).toBe("tokens");
});
