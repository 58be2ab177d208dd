import { describe, expect, it } from "vitest";
import { costOf, findPrice } from "./cost.ts";
import { SHIPPED_PRICES, SHIPPED_PRICE_VERSION } from "./shipped-prices.ts";

const book = { version: SHIPPED_PRICE_VERSION, prices: SHIPPED_PRICES };
const base = { speed: null, inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };

describe("cost", () => {
  it("prices each token type separately; 1 h cache writes cost more than 5 m ones", () => {
    // sonnet 4.5: in $3, out $15, 5m write $3.75, 1h write $6, read $0.30 per million
    const c = costOf(book, { ...base, model: "claude-sonnet-4-5-20250929", inputTokens: 1_000_000, outputTokens: 100_000, cacheWrite5mTokens: 100_000, cacheWrite1hTokens: 100_000, cacheReadTokens: 1_000_000 });
    // 3 + 1.5 + 0.375 + 0.6 + 0.3 = 5.775 (input side 2.3 M > 200 k → long context: inputs ×2, output ×1.5)
    // long: 3×2 + 0.375×2 + 0.6×2 + 0.3×2 + 1.5×1.5 = 6 + 0.75 + 1.2 + 0.6 + 2.25 = 10.8
    expect(c.costUsd).toBeCloseTo(10.8, 6);
    const short = costOf(book, { ...base, model: "claude-sonnet-4-5", inputTokens: 1000, outputTokens: 1000, cacheWrite5mTokens: 1000, cacheWrite1hTokens: 1000 });
    // (1000×3 + 1000×15 + 1000×3.75 + 1000×6) / 1e6 = 0.02775
    expect(short.costUsd).toBeCloseTo(0.02775, 9);
    expect(costOf(book, { ...base, model: "claude-sonnet-4-5", cacheWrite1hTokens: 1000 }).costUsd!).toBeGreaterThan(costOf(book, { ...base, model: "claude-sonnet-4-5", cacheWrite5mTokens: 1000 }).costUsd!);
  });

  it("the most specific pattern wins, and an unknown model is unpriced (never $0)", () => {
    expect(findPrice(book, "claude-opus-4-1-20250805")?.input).toBe(15);
    expect(findPrice(book, "claude-opus-4-5-20251101")?.input).toBe(5);
    expect(costOf(book, { ...base, model: "claude-mystery-9", inputTokens: 10 })).toEqual({ costUsd: null, priceVersion: null, unpriced: true });
  });

  it("fast mode multiplies where the model has a fast tier", () => {
    const normal = costOf(book, { ...base, model: "claude-opus-4-6", outputTokens: 1_000_000 }).costUsd!;
    expect(costOf(book, { ...base, model: "claude-opus-4-6", speed: "fast", outputTokens: 1_000_000 }).costUsd).toBeCloseTo(normal * 6, 6);
  });
});
