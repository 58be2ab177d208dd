import { describe, expect, it } from "vitest";
import { usdAgainstLimit } from "./budget.ts";

describe("usdAgainstLimit", () => {
  it("says spend and limit to the limit's own precision, at least cents, so a budget past its limit reads so", () => {
    // Seen: a $0.025 limit spent to $0.0304 read "$0.03 / $0.03"; a $0.001 limit "$0.01 of $0.001".
    expect(usdAgainstLimit(0.0304305, 0.025)).toEqual({ used: "$0.030", limit: "$0.025" });
    expect(usdAgainstLimit(0.0123, 0.001)).toEqual({ used: "$0.012", limit: "$0.001" });
    expect(usdAgainstLimit(4.5, 20)).toEqual({ used: "$4.50", limit: "$20.00" });
    expect(usdAgainstLimit(1234.5, 1000)).toEqual({ used: "$1,234.50", limit: "$1,000.00" });
    expect(usdAgainstLimit(0, 0.1234567)).toEqual({ used: "$0.000000", limit: "$0.123457" });
  });

  it("never shows a spend short of or past the limit as equal to it", () => {
    // At the limit's three digits both read "$0.025": a budget that has not bitten, or has.
    expect(usdAgainstLimit(0.0249996, 0.025)).toEqual({ used: "$0.0249996", limit: "$0.0250000" });
    expect(usdAgainstLimit(0.02501, 0.025)).toEqual({ used: "$0.02501", limit: "$0.02500" });
    expect(usdAgainstLimit(19.999, 20)).toEqual({ used: "$19.999", limit: "$20.000" });
    expect(usdAgainstLimit(20, 20)).toEqual({ used: "$20.00", limit: "$20.00" });
  });
});
