import { describe, expect, it } from "vitest";
import { emptyUsageRow, type UsageRow } from "@stratavore/contracts";
import { costByModel, OTHER } from "./cost-by-model";

const row = (group: string, costUsd: number, unpricedTokens = 0): UsageRow => ({
  ...emptyUsageRow(group),
  costUsd,
  unpricedTokens,
});

describe("costByModel", () => {
  it("stacks each day's dollars by model, most expensive models on their own, the rest as other", () => {
    const split = [
      row("2026-03-10|opus", 5),
      row("2026-03-10|sonnet", 2),
      row("2026-03-11|sonnet", 1),
      ...["a", "b", "c", "d"].map((m, i) => row(`2026-03-11|${m}`, 0.1 * (i + 1))),
    ];
    const days = [row("2026-03-09", 0), row("2026-03-10", 7), row("2026-03-11", 2, 40)];
    const { data, series } = costByModel(split, days);
    // opus 5, sonnet 3, d 0.4, c 0.3, b 0.2 on their own; a (0.1) is other.
    expect(series.map((s) => s.key)).toEqual(["opus", "sonnet", "d", "c", "b", OTHER]);
    expect(data.map((d) => d["day"])).toEqual(["2026-03-09", "2026-03-10", "2026-03-11"]);
    expect(data[0]).toMatchObject({ opus: 0, sonnet: 0, total: 0 });
    expect(data[1]).toMatchObject({ opus: 5, sonnet: 2, total: 7 });
    expect(data[2]).toMatchObject({ sonnet: 1, [OTHER]: 0.1, total: 2, unpriced: 40 });
    expect(new Set(series.map((s) => s.color)).size).toBe(series.length);
  });

  it("has no 'other' band with few models", () => {
    expect(costByModel([row("2026-03-10|sonnet", 1)], [row("2026-03-10", 1)]).series.map((s) => s.key)).toEqual([
      "sonnet",
    ]);
  });
});
