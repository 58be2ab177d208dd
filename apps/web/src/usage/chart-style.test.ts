import { describe, expect, it } from "vitest";
import { formatUsdTick } from "./chart-style";

describe("formatUsdTick", () => {
  it("gives distinct ticks on a small axis, cents under a dollar, k past a thousand", () => {
    const ticks = [0, 0.8, 1.6, 2.4, 3.2].map(formatUsdTick);
    expect(ticks).toEqual(["$0", "$0.80", "$1.6", "$2.4", "$3.2"]);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(formatUsdTick(2)).toBe("$2");
    expect(formatUsdTick(250)).toBe("$250");
    expect(formatUsdTick(1500)).toBe("$1.5k");
  });

  it("names each step of an axis of fractions of a cent, quarters or thousands apart", () => {
    // The steps recharts chooses for days costing a tenth of a cent, $2.50 and $1,250.
    for (const [axis, expected] of [
      [
        [0, 0.0005, 0.001, 0.0015, 0.002],
        ["$0", "$0.0005", "$0.001", "$0.0015", "$0.002"],
      ],
      [
        [0, 0.025, 0.05, 0.075, 0.1],
        ["$0", "$0.025", "$0.05", "$0.075", "$0.10"],
      ],
      [
        [0, 2.5, 5, 7.5, 10, 12.5],
        ["$0", "$2.5", "$5", "$7.5", "$10", "$12.5"],
      ],
      [
        [0, 1250, 2500, 3750],
        ["$0", "$1.25k", "$2.5k", "$3.75k"],
      ],
      [
        [0, 0.0000002, 0.0000004],
        ["$0", "$0.0000002", "$0.0000004"],
      ],
    ] as const)
      expect(axis.map(formatUsdTick)).toEqual(expected);
  });
});
