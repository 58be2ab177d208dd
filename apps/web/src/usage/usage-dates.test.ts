import { expect, it } from "vitest";
import { emptyUsageRow } from "./usage-series";
import { dayKey, fillDays, rangeStart } from "./usage-dates";

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
