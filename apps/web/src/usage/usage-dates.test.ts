import { describe, expect, it } from "vitest";
import { emptyUsageRow } from "@stratavore/contracts";
import { dayKey, fillDays, parseRange, rangeBounds, rangeLabel, rangeStart } from "./usage-dates";

it("fills the days nothing was spent with zeros, in order", () => {
  const since = new Date(2025, 2, 1);
  const spent = { ...emptyUsageRow("2025-03-02"), totalTokens: 5, requests: 1 };
  const rows = fillDays([spent], since, new Date(2025, 2, 3, 15));
  expect(rows.map((r) => r.group)).toEqual(["2025-03-01", "2025-03-02", "2025-03-03"]);
  expect(rows[1]?.totalTokens).toBe(5);
});

it("starts a 7-day range six days before today, at local midnight", () => {
  expect(dayKey(rangeStart(7, new Date(2025, 2, 10, 13)))).toBe("2025-03-04");
});

describe("parseRange and rangeBounds", () => {
  const params = (q: string) => new URLSearchParams(q);
  it("takes a custom range of real days in order, at most a year long", () => {
    expect(parseRange(params("from=2026-03-01&to=2026-03-15"))).toEqual({
      kind: "custom",
      from: "2026-03-01",
      to: "2026-03-15",
    });
    expect(parseRange(params("from=2026-03-15&to=2026-03-01"))).toEqual({ kind: "days", days: 30 });
    expect(parseRange(params("from=2026-02-30&to=2026-03-01"))).toEqual({ kind: "days", days: 30 });
    expect(parseRange(params("from=2024-01-01&to=2026-01-01&days=7"))).toEqual({ kind: "days", days: 7 });
    expect(parseRange(params("from=2026-03-01"))).toEqual({ kind: "days", days: 30 });
  });

  it("bounds a custom range from the first day's midnight to the midnight after the last", () => {
    const b = rangeBounds({ kind: "custom", from: "2026-03-01", to: "2026-03-15" });
    expect(dayKey(b.since)).toBe("2026-03-01");
    expect(b.until && dayKey(b.until)).toBe("2026-03-16");
    expect(b.until!.getHours()).toBe(0);
    expect(dayKey(b.lastDay)).toBe("2026-03-15");
    expect(rangeLabel({ kind: "custom", from: "2026-03-01", to: "2026-03-15" })).toBe("2026-03-01 – 2026-03-15");
    const now = new Date(2026, 2, 20, 15);
    expect(rangeBounds({ kind: "days", days: 7 }, now)).toEqual({ since: new Date(2026, 2, 14), lastDay: now });
  });
});
