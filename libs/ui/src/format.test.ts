import { describe, expect, it } from "vitest";
import { formatCost, formatPrice, formatRatio, formatUsd } from "./format.ts";

describe("formatCost", () => {
  it("never shows unpriced usage as $0", () => {
    expect(formatCost(0, 4500)).toBe("+4.5k unpriced");
    expect(formatCost(1.2, 4500)).toBe("$1.20 +4.5k unpriced");
  });
  it("is plain dollars when everything is priced", () => {
    expect(formatCost(1.2)).toBe("$1.20");
    expect(formatCost(0)).toBe("$0.00");
  });
});

describe("formatUsd", () => {
  it("does not round a tiny spend down to $0.00", () => expect(formatUsd(0.004)).toBe("<$0.01"));
  it("groups thousands", () => expect(formatUsd(12345.6)).toBe("$12,346"));
});

it("formats a ratio as a percentage, null as a dash", () => {
  expect(formatRatio(0.873)).toBe("87%");
  expect(formatRatio(null)).toBe("—");
});

describe("formatPrice", () => {
  it("states a price per million tokens without float noise, and keeps the digits a price has", () => {
    expect(formatPrice(0.1 + 0.2)).toBe("$0.30");
    expect(formatPrice(3.75)).toBe("$3.75");
    expect(formatPrice(0.125)).toBe("$0.125");
    expect(formatPrice(15)).toBe("$15.00");
    expect(formatPrice(0.0008)).toBe("$0.0008");
  });
});
