import { describe, expect, it } from "vitest";
import { canonicalModel, costOf, familyOf, findPrice, familyPriceNotice } from "./cost.ts";
import { SHIPPED_PRICES, SHIPPED_PRICE_VERSION } from "./shipped-prices.ts";

const book = { version: SHIPPED_PRICE_VERSION, prices: SHIPPED_PRICES };
const base = {
  speed: null,
  inputTokens: 0,
  outputTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  cacheReadTokens: 0,
};
/** 10,000 of each type (under any long-context threshold): 100× the cost is the sum of the five list prices. */
const tenThousand = {
  ...base,
  inputTokens: 1e4,
  outputTokens: 1e4,
  cacheWrite5mTokens: 1e4,
  cacheWrite1hTokens: 1e4,
  cacheReadTokens: 1e4,
};

/**
 * Anthropic's published list prices, $ per million tokens: input, output, 5-minute cache write,
 * 1-hour cache write, cache read — typed in from the price list (and ccusage 20.0.24's embedded
 * table agrees for every id it knows), not derived from shipped-prices.ts.
 */
const PUBLISHED: Record<string, [number, number, number, number, number]> = {
  "claude-opus-5": [5, 25, 6.25, 10, 0.5],
  "claude-opus-4-8": [5, 25, 6.25, 10, 0.5],
  "claude-opus-4-7": [5, 25, 6.25, 10, 0.5],
  "claude-opus-4-6": [5, 25, 6.25, 10, 0.5],
  "claude-opus-4-5-20251101": [5, 25, 6.25, 10, 0.5],
  "claude-opus-4-1-20250805": [15, 75, 18.75, 30, 1.5],
  "claude-opus-4-20250514": [15, 75, 18.75, 30, 1.5],
  "claude-3-opus-20240229": [15, 75, 18.75, 30, 1.5],
  "claude-sonnet-5": [2, 10, 2.5, 4, 0.2],
  "claude-sonnet-4-6": [3, 15, 3.75, 6, 0.3],
  "claude-sonnet-4-5-20250929": [3, 15, 3.75, 6, 0.3],
  "claude-sonnet-4-20250514": [3, 15, 3.75, 6, 0.3],
  "claude-3-7-sonnet-20250219": [3, 15, 3.75, 6, 0.3],
  "claude-3-5-sonnet-20241022": [3, 15, 3.75, 6, 0.3],
  "claude-3-5-sonnet-20240620": [3, 15, 3.75, 6, 0.3],
  "claude-haiku-4-5-20251001": [1, 5, 1.25, 2, 0.1],
  "claude-3-5-haiku-20241022": [0.8, 4, 1, 1.6, 0.08],
  "claude-3-haiku-20240307": [0.25, 1.25, 0.3, 0.5, 0.03],
};
const sum = (p: number[]) => p.reduce((a, b) => a + b, 0);

describe("prices", () => {
  it.each(Object.entries(PUBLISHED))("%s is priced exactly at its list price", (model, prices) => {
    const c = costOf(book, { ...tenThousand, model });
    expect(c).toMatchObject({ unpriced: false, costEstimated: false, priceVersion: SHIPPED_PRICE_VERSION });
    expect(c.costUsd! * 100).toBeCloseTo(sum(prices), 9);
  });

  it("every shipped row is covered by the published list above (a new row needs its expected price)", () => {
    const covered = new Set(Object.keys(PUBLISHED).map(canonicalModel));
    const aliases = new Set([
      "claude-opus-4-0",
      "claude-sonnet-4-0",
      "claude-opus-4",
      "claude-sonnet-4",
      "claude-3-sonnet",
    ]);
    expect(SHIPPED_PRICES.map((p) => p.modelPattern).filter((m) => !covered.has(m) && !aliases.has(m))).toEqual([]);
  });

  it("never matches by prefix across generations: opus 4.7 and 4.8 are not opus 4", () => {
    for (const model of ["claude-opus-4-7", "claude-opus-4-8"])
      expect(costOf(book, { ...base, model, inputTokens: 1e6 }).costUsd).toBeCloseTo(5, 9);
    expect(costOf(book, { ...base, model: "claude-opus-4", inputTokens: 1e6 }).costUsd).toBeCloseTo(15, 9);
  });

  it("reads provider and alias forms of an id as that id", () => {
    for (const model of [
      "claude-sonnet-4-5",
      "claude-sonnet-4-5-20250929",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5@20250929",
      "CLAUDE-SONNET-4-5",
    ]) {
      expect(findPrice(book, model), model).toMatchObject({
        estimated: false,
        price: { modelPattern: "claude-sonnet-4-5" },
      });
    }
    expect(findPrice(book, "claude-3-5-haiku-latest")?.price.modelPattern).toBe("claude-3-5-haiku");
  });

  it("estimates an unknown id of a known family at that family's newest price, and says so", () => {
    // claude 2.1.328's default model: opus family, newest opus row is claude-opus-5 ($5 in).
    expect(costOf(book, { ...base, model: "claude-opus-5-5", inputTokens: 1e6 })).toEqual({
      costUsd: 5,
      priceVersion: SHIPPED_PRICE_VERSION,
      unpriced: false,
      costEstimated: true,
      pricedAs: "claude-opus-5",
    });
    expect(costOf(book, { ...base, model: "claude-sonnet-4-7-20260101", inputTokens: 1e6 })).toMatchObject({
      costUsd: 2,
      costEstimated: true,
      pricedAs: "claude-sonnet-5",
    });
    expect(costOf(book, { ...base, model: "claude-haiku-5", outputTokens: 1e6 })).toMatchObject({
      costUsd: 5,
      costEstimated: true,
      pricedAs: "claude-haiku-4-5",
    });
    expect(familyOf("claude-3-5-haiku-20241022")).toEqual({ family: "haiku", version: 305 });
    expect(familyOf("claude-opus-4-1")).toEqual({ family: "opus", version: 401 });
  });

  it("leaves an id with no family unpriced: null, never $0", () => {
    for (const model of ["claude-mystery-9", "claude-fennec-1", "gpt-4", "<synthetic>"]) {
      expect(costOf(book, { ...base, model, inputTokens: 10 }), model).toEqual({
        costUsd: null,
        priceVersion: null,
        unpriced: true,
        costEstimated: false,
        pricedAs: null,
      });
    }
  });

  it("prices each token type separately; 1 h cache writes cost more than 5 m ones; long context per request", () => {
    // sonnet 4.5, input side 2.3 M > 200 k → the whole request at inputs ×2, output ×1.5:
    // 3×2 + 0.375×2 + 0.6×2 + 0.3×2 + 1.5×1.5 = 6 + 0.75 + 1.2 + 0.6 + 2.25 = 10.8
    const c = costOf(book, {
      ...base,
      model: "claude-sonnet-4-5-20250929",
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      cacheWrite5mTokens: 100_000,
      cacheWrite1hTokens: 100_000,
      cacheReadTokens: 1_000_000,
    });
    expect(c.costUsd).toBeCloseTo(10.8, 6);
    // (1000×3 + 1000×15 + 1000×3.75 + 1000×6) / 1e6 = 0.02775
    expect(
      costOf(book, {
        ...base,
        model: "claude-sonnet-4-5",
        inputTokens: 1000,
        outputTokens: 1000,
        cacheWrite5mTokens: 1000,
        cacheWrite1hTokens: 1000,
      }).costUsd,
    ).toBeCloseTo(0.02775, 9);
    expect(costOf(book, { ...base, model: "claude-sonnet-4-5", cacheWrite1hTokens: 1000 }).costUsd!).toBeGreaterThan(
      costOf(book, { ...base, model: "claude-sonnet-4-5", cacheWrite5mTokens: 1000 }).costUsd!,
    );
  });

  it("web searches cost $10 per 1,000 on top of the tokens, on any priced model, not multiplied by fast mode", () => {
    // 1,000 sonnet 4.5 input tokens = $0.003; 3 searches = $0.03.
    const tokensOnly = { ...base, model: "claude-sonnet-4-5", inputTokens: 1000 };
    expect(costOf(book, { ...tokensOnly, webSearchRequests: 3 }).costUsd).toBeCloseTo(0.033, 12);
    expect(costOf(book, { ...tokensOnly, webSearchRequests: 0 }).costUsd).toBeCloseTo(0.003, 12);
    // opus 4.6 fast: 1 M output at $25 × 6 = $150, and 2 searches $0.02 unmultiplied.
    expect(
      costOf(book, { ...base, model: "claude-opus-4-6", speed: "fast", outputTokens: 1_000_000, webSearchRequests: 2 })
        .costUsd,
    ).toBeCloseTo(150.02, 9);
    expect(costOf(book, { ...base, model: "mystery-model-x", webSearchRequests: 5 }).costUsd).toBeNull();
  });

  it("fast mode multiplies where the model has a fast tier", () => {
    const normal = costOf(book, { ...base, model: "claude-opus-4-6", outputTokens: 1_000_000 }).costUsd!;
    expect(normal).toBeCloseTo(25, 9);
    expect(
      costOf(book, { ...base, model: "claude-opus-4-6", speed: "fast", outputTokens: 1_000_000 }).costUsd,
    ).toBeCloseTo(150, 6);
    expect(
      costOf(book, { ...base, model: "claude-opus-4-8", speed: "fast", outputTokens: 1_000_000 }).costUsd,
    ).toBeCloseTo(50, 6);
  });

  it("warns when a change moves a family's estimates — a new newest id, the newest repriced or removed — and only then", () => {
    const withRow = (modelPattern: string, input = 5) => ({
      ...book,
      prices: [
        ...SHIPPED_PRICES.filter((p) => p.modelPattern !== modelPattern),
        { ...SHIPPED_PRICES[0]!, modelPattern, input },
      ],
    });
    // The shipped newest opus row is claude-opus-5 (the estimate test above prices with it).
    const opus9 = withRow("claude-opus-9");
    expect(familyPriceNotice(book, opus9, "claude-opus-9")).toBe(
      "claude-opus-9 is now the newest opus price: every opus id without a row of its own (they were estimated at claude-opus-5's price) is estimated at it, in new usage and in the ledger once you reprice.",
    );
    expect(findPrice(opus9, "claude-opus-5-5")?.price.modelPattern).toBe("claude-opus-9");
    expect(familyPriceNotice(book, withRow("claude-haiku-9"), "claude-haiku-9")).toMatch(
      /newest haiku price.*claude-haiku-4-5's price/,
    );
    // The newest row itself repriced (the review: this moved every estimate and said nothing).
    const newestOpus = SHIPPED_PRICES.find((p) => p.modelPattern === "claude-opus-5")!;
    const repriced = { ...book, prices: SHIPPED_PRICES.map((p) => (p === newestOpus ? { ...p, input: 7 } : p)) };
    expect(familyPriceNotice(book, repriced, "claude-opus-5")).toMatch(
      /^claude-opus-5 is the newest opus price: every opus id without a row of its own is estimated at its new price/,
    );
    // Removing the newest override moves them back.
    expect(familyPriceNotice(opus9, book, "claude-opus-9")).toMatch(/^claude-opus-5 is now the newest opus price/);
    // Quiet: a row that is not the newest, the same prices again, an older id, an id of no family.
    for (const [after, id] of [
      [withRow("claude-opus-4-5", 9), "claude-opus-4-5"],
      [book, "claude-opus-5"],
      [withRow("claude-opus-4-2"), "claude-opus-4-2"],
      [withRow("gpt-5"), "gpt-5"],
    ] as const)
      expect(familyPriceNotice(book, after, id), id).toBeNull();
  });
});
