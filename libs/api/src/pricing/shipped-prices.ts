/**
 * Anthropic list prices, USD per million tokens, shipped as data (version below). Cache
 * writes: 5-minute = 1.25× input, 1-hour = 2× input; cache reads = 0.1× input. The long-context
 * tier applies per request when its input side exceeds the threshold. Admins override rows in
 * Settings → Pricing; an unknown model is "unpriced", never $0.
 */
export const SHIPPED_PRICE_VERSION = "anthropic-2026-11-01";

export interface ModelPrice {
  /** Matched against the model id as a prefix, longest first (e.g. "claude-sonnet-4-5"). */
  modelPattern: string;
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  longContextThreshold?: number;
  longContextInputMultiplier?: number;
  longContextOutputMultiplier?: number;
  fastModeMultiplier?: number;
}

const row = (modelPattern: string, input: number, output: number, extra: Partial<ModelPrice> = {}): ModelPrice => ({
  modelPattern, input, output, cacheWrite5m: input * 1.25, cacheWrite1h: input * 2, cacheRead: input * 0.1, ...extra,
});
const longContext = { longContextThreshold: 200_000, longContextInputMultiplier: 2, longContextOutputMultiplier: 1.5 };

export const SHIPPED_PRICES: ModelPrice[] = [
  row("claude-opus-4-6", 5, 25, { ...longContext, fastModeMultiplier: 6 }),
  row("claude-opus-4-5", 5, 25),
  row("claude-opus-4-1", 15, 75),
  row("claude-opus-4", 15, 75),
  row("claude-sonnet-4-6", 3, 15, longContext),
  row("claude-sonnet-4-5", 3, 15, longContext),
  row("claude-sonnet-4", 3, 15, longContext),
  row("claude-3-7-sonnet", 3, 15),
  row("claude-3-5-sonnet", 3, 15),
  row("claude-haiku-4-5", 1, 5),
  row("claude-3-5-haiku", 0.8, 4),
  row("claude-3-haiku", 0.25, 1.25),
];
