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
});
