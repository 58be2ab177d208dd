/**
 * Anthropic list prices, USD per million tokens, shipped as data (version below). Each row is
 * an exact model id (DESIGN §3 rule 4): a dated id (`…-20250929`) is the same model as its
 * undated row, and nothing else matches by prefix — `claude-opus-4-7` is not `claude-opus-4`.
 * An id the table lacks is estimated at its family's newest row (see cost.ts); an id with no
 * family is unpriced. Cache writes: 5-minute = 1.25× input, 1-hour = 2× input; cache reads =
 * 0.1× input, unless a row says otherwise. The long-context tier applies per request when its
 * input side exceeds the threshold. Admins override or add rows in Settings → Pricing.
 */
export const SHIPPED_PRICE_VERSION = "anthropic-2026-12-03";

/**
 * The web search server tool: $10 per 1,000 searches on every model, on top of the tokens
 * (DESIGN §3 rule 5: each type × its price). Web fetch costs only its tokens. Not multiplied by
 * fast mode or the long-context tier, which price tokens.
 */
export const WEB_SEARCH_USD = 0.01;

export type ModelFamily = "opus" | "sonnet" | "haiku";

export interface ModelPrice {
  /** The exact model id, undated ("claude-sonnet-4-5"). Named pattern for API compatibility. */
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
  modelPattern,
  input,
  output,
  cacheWrite5m: input * 1.25,
  cacheWrite1h: input * 2,
  cacheRead: input * 0.1,
  ...extra,
});
// Whole request at 2× input and 1.5× output once its input side passes 200k tokens.
const longContext = { longContextThreshold: 200_000, longContextInputMultiplier: 2, longContextOutputMultiplier: 1.5 };

export const SHIPPED_PRICES: ModelPrice[] = [
  row("claude-opus-5", 5, 25),
  row("claude-opus-4-8", 5, 25, { fastModeMultiplier: 2 }),
  row("claude-opus-4-7", 5, 25, { fastModeMultiplier: 6 }),
  row("claude-opus-4-6", 5, 25, { ...longContext, fastModeMultiplier: 6 }),
  row("claude-opus-4-5", 5, 25),
  row("claude-opus-4-1", 15, 75),
  row("claude-opus-4", 15, 75),
  row("claude-opus-4-0", 15, 75),
  row("claude-3-opus", 15, 75),
  row("claude-sonnet-5", 2, 10),
  row("claude-sonnet-4-6", 3, 15, longContext),
  row("claude-sonnet-4-5", 3, 15, longContext),
  row("claude-sonnet-4", 3, 15, longContext),
  row("claude-sonnet-4-0", 3, 15, longContext),
  row("claude-3-7-sonnet", 3, 15),
  row("claude-3-5-sonnet", 3, 15),
  row("claude-3-sonnet", 3, 15),
  row("claude-haiku-4-5", 1, 5),
  row("claude-3-5-haiku", 0.8, 4),
  // Haiku 3's cache prices are not the usual multiples of its input price.
  row("claude-3-haiku", 0.25, 1.25, { cacheWrite5m: 0.3, cacheWrite1h: 0.5, cacheRead: 0.03 }),
];
