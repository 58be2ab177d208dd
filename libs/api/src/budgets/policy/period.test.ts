import { describe, expect, it } from "vitest";
import { periodBounds } from "./period.ts";

describe("budget periods (server time zone)", () => {
  const now = new Date(2026, 10, 25, 14, 37, 12); // Wed 25 Nov 2026 14:37:12 local
  it("hourly, daily, weekly (Monday) and monthly boundaries", () => {
    expect(periodBounds("hourly", now)).toEqual({ start: new Date(2026, 10, 25, 14), end: new Date(2026, 10, 25, 15) });
    expect(periodBounds("daily", now)).toEqual({ start: new Date(2026, 10, 25), end: new Date(2026, 10, 26) });
    expect(periodBounds("weekly", now)).toEqual({ start: new Date(2026, 10, 23), end: new Date(2026, 10, 30) });
    expect(periodBounds("monthly", now)).toEqual({ start: new Date(2026, 10, 1), end: new Date(2026, 11, 1) });
  });
  it("a Sunday belongs to the week that began the Monday before; December rolls into January", () => {
    expect(periodBounds("weekly", new Date(2026, 10, 29, 23)).start).toEqual(new Date(2026, 10, 23));
    expect(periodBounds("monthly", new Date(2026, 11, 31, 23)).end).toEqual(new Date(2027, 0, 1));
  });
});
