import type { UsageRecordInput } from "@stratavore/contracts";
import type { ModelPrice } from "./shipped-prices.ts";

export interface PriceBook {
  version: string;
  prices: ModelPrice[];
}

export interface Cost {
  costUsd: number | null;
  priceVersion: string | null;
  unpriced: boolean;
}

/** The most specific pattern wins: "claude-opus-4-1" before "claude-opus-4". */
export function findPrice(book: PriceBook, model: string): ModelPrice | null {
  let best: ModelPrice | null = null;
  for (const p of book.prices) if (model.startsWith(p.modelPattern) && (!best || p.modelPattern.length > best.modelPattern.length)) best = p;
  return best;
}

type Tokens = Pick<UsageRecordInput, "model" | "speed" | "inputTokens" | "outputTokens" | "cacheWrite5mTokens" | "cacheWrite1hTokens" | "cacheReadTokens">;

/** Each token type × its own price; long-context tier per request; fast mode multiplies all. */
export function costOf(book: PriceBook, r: Tokens): Cost {
  const price = findPrice(book, r.model);
  if (!price) return { costUsd: null, priceVersion: null, unpriced: true };
  const inputSide = r.inputTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens + r.cacheReadTokens;
  const long = price.longContextThreshold !== undefined && inputSide > price.longContextThreshold;
  const inMul = long ? (price.longContextInputMultiplier ?? 1) : 1;
  const outMul = long ? (price.longContextOutputMultiplier ?? 1) : 1;
  const fast = r.speed === "fast" ? (price.fastModeMultiplier ?? 1) : 1;
  const perM =
    r.inputTokens * price.input * inMul +
    r.cacheWrite5mTokens * price.cacheWrite5m * inMul +
    r.cacheWrite1hTokens * price.cacheWrite1h * inMul +
    r.cacheReadTokens * price.cacheRead * inMul +
    r.outputTokens * price.output * outMul;
  return { costUsd: (perM * fast) / 1_000_000, priceVersion: book.version, unpriced: false };
}
